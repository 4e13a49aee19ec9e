// Writes docs/rules/ from the check modules (npm run docs).
import { mkdirSync, writeFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checks } from '../checks/index.js';
import { renderAllDocs } from '../src/engine/docs.js';
import { fixedExamples } from './fix-examples.js';

const out = join(process.cwd(), 'docs/rules');
const pages = renderAllDocs(checks, await fixedExamples(checks));
for (const cat of readdirSync(out, { withFileTypes: true })) {
  if (cat.isDirectory()) rmSync(join(out, cat.name), { recursive: true });
}
for (const [rel, text] of pages) {
  const p = join(out, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
}
console.log(`wrote ${pages.size} pages to docs/rules/ (${statSync(out).isDirectory() ? 'ok' : ''})`);
