import { defineCheck } from '../../src/engine/types.js';
import { downloadOf, fileName, pipedInto, useOf, usesDownload, verifies, verifiesFile } from '../../src/knowledge/downloads.js';
import type { Stage } from '../../src/dockerfile/model.js';
import type { ShellCommand } from '../../src/shell/shell.js';
import { runCommands } from '../../src/dockerfile/run.js';
import { expand } from '../../src/dockerfile/vars.js';
import { exclusive } from '../../src/shell/shell.js';
import { firstAbove } from '../../src/util/search.js';

export default defineCheck({
  id: 'security/unverified-download',
  title: 'Downloaded archives and programs are checked before use',
  category: 'security',
  severity: 'warning',
  messages: {
    unchecked: '{fetcher} downloads {file} and this RUN {use} without a checksum or signature check, so whatever the server (or anyone on the way) returns goes into the image; check it first (echo "$SHA256  {file}" | sha256sum -c -)',
    uncheckedLater: '{fetcher} downloads {file} and a later RUN {use} without a checksum or signature check, so whatever the server (or anyone on the way) returns goes into the image; check it first (echo "$SHA256  {file}" | sha256sum -c -)',
    piped: '{fetcher} streams {url} into {consumer}, which {use} without a checksum or signature check, so whatever the server returns goes into the image; download to a file and check it first',
  },
  docs: {
    why: `A release archive or installer fetched with \`curl\` or \`wget\` is only as trustworthy as the server and
every hop to it on the day of the build: a compromised release, a hijacked domain or a tampered mirror
puts its own code into the image, and a moved tag makes two builds differ. A checksum recorded next to
the URL (\`ARG TOOL_SHA256=…\`, checked with \`sha256sum -c\`) or a signature check (\`gpg --verify\`,
\`cosign verify-blob\`, \`minisign -V\`) in the same \`RUN\` pins what is used. Package managers check
their own signatures and are not reported.

Reported: a download that the same \`RUN\` unpacks (\`tar -x\`, \`unzip\`), installs (\`dpkg -i\`, \`apk add\`,
\`pip install\`), runs (\`sh install.sh\`) or makes executable, with no checksum or signature command
anywhere in that \`RUN\`, or a download a later \`RUN\` of the stage uses that way with no check in
between (\`RUN wget …/x.deb\` then \`RUN dpkg -i x.deb\`) (any \`sha*sum\`, \`gpg --verify\`, \`gpgv\`, \`cosign verify\`, \`rpm -K\`,
\`openssl dgst\` counts: their use is taken as the check). Not reported: downloads of checksums,
signatures and keys themselves, files the \`RUN\` does not unpack, install or run (a config file, a
data set), downloads from localhost, and \`curl … | sh\` (security/curl-pipe-shell).`,
    bad: `FROM debian:bookworm-slim
RUN curl -fsSLo /tmp/tool.tar.gz https://example.com/tool-1.2.3-linux-amd64.tar.gz \\
 && tar -xzf /tmp/tool.tar.gz -C /usr/local/bin && rm /tmp/tool.tar.gz
`,
    good: `FROM debian:bookworm-slim
ARG TOOL_SHA256=2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
RUN curl -fsSLo /tmp/tool.tar.gz https://example.com/tool-1.2.3-linux-amd64.tar.gz \\
 && echo "\${TOOL_SHA256}  /tmp/tool.tar.gz" | sha256sum -c - \\
 && tar -xzf /tmp/tool.tar.gz -C /usr/local/bin && rm /tmp/tool.tar.gz
`,
    related: ['security/curl-pipe-shell', 'security/add-remote-url', 'security/verification-disabled'],
  },
  dockerfile: (ctx) => {
    // The RUN commands of each stage that verify files, and those that unpack, install, run or make
    // executable a file, by the name of each file they name, in order: read once per stage, so that a
    // stage of thousands of downloads does not read every later RUN again for each one.
    const indexes = new Map<Stage | null, StageUses>();
    const indexOf = (stage: Stage | null): StageUses => {
      let x = indexes.get(stage);
      if (!x) indexes.set(stage, (x = stageUses(stage)));
      return x;
    };
    return {
      RUN(ins) {
        const cmds = ins.shell?.commands ?? [];
        if (cmds.some(verifies)) return;
        const downloads = cmds.map(downloadOf);
        // Fetching the signature or the checksum list beside it: the check follows, here or in a later RUN.
        if (downloads.some((d) => d?.material)) return;
        const line = ins.range.line;
        const words: Set<string>[] = [];
        const touched = (j: number): Set<string> => {
          let t = words[j];
          if (!t) {
            const c = cmds[j]!;
            t = new Set([fileName(c.name)]);
            for (const x of c.argv) t.add(x).add(fileName(x));
            words[j] = t;
          }
          return t;
        };
        for (const [k, cmd] of cmds.entries()) {
          const d = downloads[k];
          if (!d) continue;
          if (d.file !== null && indexOf(ins.stage).verifying.some((v) => v.line > line && verifiesFile(v.cmd, d.file!))) continue;
          // A URL at a git commit (`raw.githubusercontent.com/…/<40 hex>/hack/dind`) names fixed content.
          if (/(^|[/@=])[0-9a-f]{40}([/?#.]|$)/.test(expand(d.url, ins.vars).value)) continue;
          if (d.file === null) {
            const use = pipedInto(cmds, cmd);
            const next = cmds.slice(k + 1).find((c) => !c.wrappedBy);
            if (use && next) ctx.report({ messageId: 'piped', data: { fetcher: cmd.base, url: d.url, consumer: next.base, use }, at: cmd });
            continue;
          }
          // The first later command that uses the file: each command's words and their base names go
          // into a set once, so a RUN of 3,000 downloads asks a set per pair, not regular expressions per
          // word (quadratic: 5.6 s for 313 KB; fuzz campaign, seed 13).
          const file = d.file;
          const name = fileName(file);
          // A later download to the same file replaces it (unless they are in different branches of an `if` or
          // `case`): what follows uses that one, and is asked about it.
          let use: ReturnType<typeof usesDownload> = null;
          let replaced = false;
          for (let j = k + 1; j < cmds.length && use === null && !replaced; j++) {
            if (downloads[j]?.file === file && !exclusive(cmd, cmds[j]!)) replaced = true;
            else if (touched(j).has(file) || (name !== '' && touched(j).has(name))) use = usesDownload(cmds[j]!, file);
          }
          if (replaced) continue;
          if (use) {
            ctx.report({ messageId: 'unchecked', data: { fetcher: cmd.base, file: d.file, use }, at: cmd });
            continue;
          }
          // Downloaded here, used by a later RUN of the stage (`RUN wget …/x.deb` then `RUN dpkg -i x.deb`).
          const laterUse = firstAfter(indexOf(ins.stage).uses.get(fileName(d.file)), line);
          if (laterUse) ctx.report({ messageId: 'uncheckedLater', data: { fetcher: cmd.base, file: d.file, use: laterUse.use }, at: cmd });
        }
      },
    };
  },
});

interface Use {
  line: number;
  cmd: ShellCommand;
  use: string;
}

interface StageUses {
  /** The commands that verify something (`sha256sum -c`, `gpg --verify`), in order. */
  verifying: { line: number; cmd: ShellCommand }[];
  /** For a file name, the commands that use a file of that name (what `usesDownload` says), in order. */
  uses: Map<string, Use[]>;
}

function stageUses(stage: Stage | null): StageUses {
  const out: StageUses = { verifying: [], uses: new Map() };
  for (const i of stage?.instructions ?? []) {
    if (i.keyword !== 'RUN') continue;
    for (const cmd of runCommands(i)) {
      if (verifies(cmd)) out.verifying.push({ line: i.range.line, cmd });
      // As `usesDownload(cmd, file)` answers for each file name the command names: its own name runs it.
      const own = fileName(cmd.name);
      const use = useOf(cmd);
      const names = new Set<string>(use ? cmd.argv.map(fileName) : []);
      if (own) names.add(own);
      for (const name of names) {
        if (!name) continue;
        const u = name === own ? 'runs it' : use;
        if (!u) continue;
        let list = out.uses.get(name);
        if (!list) out.uses.set(name, (list = []));
        list.push({ line: i.range.line, cmd, use: u });
      }
    }
  }
  return out;
}

/** The first use on a line after `line` (uses are in line order). */
function firstAfter(uses: readonly Use[] | undefined, line: number): Use | null {
  return uses ? (uses[firstAbove(uses, line, (u) => u.line)] ?? null) : null;
}
