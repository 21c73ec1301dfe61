// Parses AsyncAPI documents with the official parser and prints every
// diagnostic as one line: `<file>: <severity> <code> <path>: <message>`.
// Exit code: 0 when no document has errors, 1 otherwise, 2 on bad usage.
import { readFile } from 'node:fs/promises';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';

const names = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node validate.mjs SPEC...');
  process.exit(2);
}
// Avro payloads (`schemaFormat: application/vnd.apache.avro;...`) are
// checked by the AsyncAPI project's Avro parser, as the generator does.
const parser = new Parser({ schemaParsers: [AvroSchemaParser()] });
let failed = false;
for (const file of files) {
  const { document, diagnostics } = await parser.parse(await readFile(file, 'utf8'));
  for (const d of diagnostics) {
    const severity = names[d.severity] ?? String(d.severity);
    if (d.severity === DiagnosticSeverity.Error) failed = true;
    console.log(`${file}: ${severity} ${d.code} ${d.path.join('/')}: ${d.message}`);
  }
  if (!document) failed = true;
  console.log(`${file}: ${document ? 'parsed' : 'not parsed'}`);
}
process.exit(failed ? 1 : 0);
