// The baseline of the whole-process rows of `npm run bench`: a `node` process that reads every file
// named on its command line, runs dockerfile-utils' validate() on it, and writes the diagnostics as
// one JSON document (what `shipshape --format json FILES…` does with its own findings).
const { readFileSync } = require('node:fs');
const { validate } = require('dockerfile-utils');

const out = [];
for (const file of process.argv.slice(2)) out.push({ file, diagnostics: validate(readFileSync(file, 'utf8')) });
process.stdout.write(`${JSON.stringify(out)}\n`);
