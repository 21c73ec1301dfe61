// Renders an AsyncAPI document to one self-contained HTML page with the
// AsyncAPI project's html-template (scripts and styles inlined, so the page
// needs no network when viewed), plus a style that shows inline code as code.
// Usage: node render.mjs SPEC OUT_DIR
import { readFile, writeFile } from 'node:fs/promises';
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

// The template renders descriptions as Markdown (marked), so `code` becomes
// <code>; but its Tailwind typography style prints a literal backtick before
// and after every <code> in the same font, so the page still shows
// backticks. Make inline code look like code instead.
const style = `<style id="fastkafka-docs-style">
.aui-root .prose code::before, .aui-root .prose code::after { content: none; }
.aui-root .prose code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-weight: 500; background-color: #edf2f7; border-radius: 0.25rem;
  padding: 0.1em 0.3em;
}
</style>`;
const page = path.join(path.resolve(out), 'index.html');
try {
  const html = await readFile(page, 'utf8');
  if (!html.includes('</head>'))
    throw new Error('no </head> in the rendered page');
  if (!html.includes('id="fastkafka-docs-style"'))
    await writeFile(page, html.replace('</head>', `${style}\n</head>`));
} catch (e) {
  console.error(`cannot style ${page}: ${e.message ?? e}`);
  process.exit(1);
}
