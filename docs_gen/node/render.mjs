// Renders an AsyncAPI document to one self-contained HTML page with the
// AsyncAPI project's html-template (scripts and styles inlined, so the page
// needs no network when viewed).
// Usage: node render.mjs SPEC OUT_DIR
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Generator = require('@asyncapi/generator');

const [spec, out] = process.argv.slice(2);
if (!spec || !out) {
  console.error('usage: node render.mjs SPEC OUT_DIR');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
// A path to the installed template: the generator must not try to fetch it.
const template = path.join(here, 'node_modules', '@asyncapi', 'html-template');
const generator = new Generator(template, path.resolve(out), {
  forceWrite: true,
  install: false,
  templateParams: { singleFile: 'true' },
});
try {
  await generator.generateFromFile(path.resolve(spec));
} catch (e) {
  console.error(`cannot render ${spec}: ${e.message ?? e}`);
  process.exit(1);
}
