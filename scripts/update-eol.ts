// npm run update-eol FILE: merges FILE (the format is in src/knowledge/eol.ts) into src/knowledge/eol.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EolTableError, eolTableAge, formatEolTable, mergeEolTable, type EolTable } from '../src/knowledge/eol.js';

const COMMENT =
  'End-of-life dates of base distributions and language runtimes, read by src/knowledge/eol.ts. Facts from the publishers\' release calendars (each product\'s source); `checked` is when its dates were last compared with that source. Refresh with `npm run update-eol FILE` (format in src/knowledge/eol.ts).';

const target = join(process.cwd(), 'src/knowledge/eol.json');
const file = process.argv[2];
if (!file || process.argv.length > 3) {
  process.stderr.write('usage: npm run update-eol FILE   (FILE: JSON with "products"; the format is in src/knowledge/eol.ts)\n');
  process.exit(2);
}
let update: unknown;
try {
  update = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  const msg = (e as Error).message.split('\n', 1)[0];
  process.stderr.write(`update-eol: ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : msg}\n`);
  process.exit(2);
}
try {
  const current = JSON.parse(readFileSync(target, 'utf8')) as EolTable;
  const merged = mergeEolTable(current, update);
  writeFileSync(target, formatEolTable(merged, COMMENT));
  const names = Object.keys((update as { products: object }).products);
  process.stdout.write(`update-eol: merged ${names.join(', ')} into src/knowledge/eol.json; ${eolTableAge(undefined, merged)}\n`);
} catch (e) {
  if (!(e instanceof EolTableError)) throw e;
  process.stderr.write(`update-eol: ${file}: ${e.message}\n`);
  process.exit(2);
}
