// The floor of the whole-process rows of `npm run bench`: a `node` process that reads every file named
// on its command line and runs only the two parsers DESIGN.md prescribes, used plainly: dockerfile-ast's
// parse() of the file, then tree-sitter-bash over every shell-form RUN, CMD and ENTRYPOINT body. No
// model, no check, no report beyond a count. What shipshape pays above this is its own work.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { DockerfileParser } = require('dockerfile-ast');
const { Parser, Language } = await import('web-tree-sitter');
await Parser.init();
const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
const parser = new Parser();
parser.setLanguage(bash);

const SHELL = new Set(['RUN', 'CMD', 'ENTRYPOINT']);
let files = 0;
let bodies = 0;
for (const file of process.argv.slice(2)) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue;
  }
  files++;
  const doc = DockerfileParser.parse(text);
  for (const ins of doc.getInstructions()) {
    if (!SHELL.has(ins.getKeyword())) continue;
    const body = ins.getArgumentsContent();
    if (!body || body.trimStart().startsWith('[')) continue;
    parser.parse(body).delete();
    bodies++;
  }
}
process.stdout.write(`${JSON.stringify({ files, bodies })}\n`);
