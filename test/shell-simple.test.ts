/**
 * The plain-word reader in shell.ts (one line of words joined by `&&`, `||`, `|`, `;`) must give
 * exactly what tree-sitter-bash gives: same commands, words, ranges, operators, wrappers, statements.
 * Checked on every such body of the real corpus and on hand-written edge cases.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from '../src/dockerfile/parse.js';
import { isSimpleShell, loadShellParser, parseShell, parseShellTree, type ShellScript } from '../src/dockerfile/shell.js';
import { LineIndex, type MappedText } from '../src/dockerfile/text.js';

const dir = join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'real');

function plain(r: ShellScript): unknown {
  return { ...r, commands: r.commands.map((c) => ({ ...c, wrappedBy: c.wrappedBy ? r.commands.indexOf(c.wrappedBy) : null })) };
}

function same(body: MappedText, lines: LineIndex): void {
  expect(plain(parseShell(body, lines)), body.text).toEqual(plain(parseShellTree(body, lines)));
}

const text = (s: string): [MappedText, LineIndex] => [{ text: s, map: null, start: 0 }, new LineIndex(s)];

describe('plain shell lists without tree-sitter', () => {
  it('reads plain lists the way tree-sitter does, and leaves everything else to it', async () => {
    await loadShellParser();
    const simple = [
      'apt-get update && apt-get install -y curl',
      'a || b && c | d | e; f;',
      'sudo -u root env A=1 nohup timeout 5 gosu app /usr/bin/node server.js',
      'exec tini -- node x.js --port=80 a=b',
      'npm ci|tee log ;npm test',
      ' make -j4 && make install ',
      'apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* /tmp/*.deb',
    ];
    for (const s of simple) {
      expect(isSimpleShell(s), s).toBe(true);
      same(...text(s));
    }
    const left = ['echo "$HOME"', "echo 'a'", 'A=1 make', 'sh -c x', 'bash -lc "x"', 'a && ', '&& a', 'a;;', 'a &', 'if true; then x; fi', 'rm -rf /x/?', 'ls [ab]', 'a > b', 'a\nb', 'export A=1', 'cd ~', '# c', '', '- x', ', install curl', 'a@b:c exec x', 'nohup ='];
    for (const s of left) expect(isSimpleShell(s), s).toBe(false);
  });

  it.skipIf(!existsSync(join(dir, 'manifest.json')))('agrees with tree-sitter on every plain body of the real corpus', async () => {
    await loadShellParser();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { file: string }[];
    let n = 0;
    for (const m of manifest) {
      const facts = buildModel(readFileSync(join(dir, m.file), 'utf8'));
      for (const i of facts.instructions) {
        if (i.json !== null || !['RUN', 'CMD', 'ENTRYPOINT'].includes(i.keyword) || !isSimpleShell(i.bodyText.text)) continue;
        same(i.bodyText, facts.lines);
        n++;
      }
    }
    expect(n).toBeGreaterThan(500);
  });
});
