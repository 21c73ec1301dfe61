// Loads a rendered docs page in headless Chromium (through puppeteer-core
// from the docs tooling, with every host but 127.0.0.1 unresolvable) and
// prints what the browser test checks, as one JSON object on stdout:
// the operation anchors, the rendered text, and how inline code in
// descriptions is drawn (a literal backtick before or after it, its font).
// Usage: node page_check.mjs TOOLING_DIR CHROMIUM URL
import path from 'node:path';
import { createRequire } from 'node:module';

const [tooling, chromium, url] = process.argv.slice(2);
if (!tooling || !chromium || !url) {
  console.error('usage: node page_check.mjs TOOLING_DIR CHROMIUM URL');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(tooling), 'package.json'));
const puppeteer = require('puppeteer-core');

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
         '--disable-background-networking', '--disable-component-update',
         '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
});
try {
  const page = await browser.newPage();
  const failed = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  await page.goto(url, { waitUntil: 'networkidle0', timeout: 60000 });
  // The page is rendered on the server and hydrated by the script; wait
  // until the operations are there.
  await page.waitForSelector('[id^="operation-"]', { timeout: 30000 });
  const result = await page.evaluate(() => {
    const anchors = [...document.querySelectorAll('[id^="operation-"]')]
      .map((e) => e.id);
    const code = [...document.querySelectorAll('.prose code')].map((e) => {
      const before = getComputedStyle(e, '::before').content;
      const after = getComputedStyle(e, '::after').content;
      const own = getComputedStyle(e).fontFamily;
      const prose = getComputedStyle(e.closest('.prose')).fontFamily;
      return { text: e.textContent, before, after, font: own, prose_font: prose };
    });
    // Text of rendered Markdown: a backtick left here was not converted.
    const prose = [...document.querySelectorAll('.prose')]
      .map((e) => e.innerText);
    // Rendered text, collapsed panels included, without the scripts (the
    // page embeds the whole spec in one).
    const body = document.body.cloneNode(true);
    body.querySelectorAll('script, style').forEach((e) => e.remove());
    return { anchors, code, prose, text: body.textContent };
  });
  result.failed_requests = failed;
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
