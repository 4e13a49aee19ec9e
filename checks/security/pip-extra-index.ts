import { defineCheck } from '../../src/engine/types.js';
import { runCommands } from '../../src/dockerfile/run.js';
import { packageCommand } from '../../src/knowledge/packages.js';
import { expand } from '../../src/dockerfile/vars.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import type { Word } from '../../src/shell/shell.js';
import type { Range } from '../../src/util/text.js';

/** PyPI itself, and piwheels (PyPI's own projects and releases, built for ARM): no name there can shadow another. */
const SAME_NAMES = /(^|\.)(pypi\.org|pypi\.python\.org|files\.pythonhosted\.org|piwheels\.org)$/;
/**
 * Public indexes of other projects' builds (PyTorch, NVIDIA, PyG, Anaconda): their own package names
 * can be claimed on PyPI too (PyTorch's nightly `torchtriton`, December 2022), but they are public and
 * their vendors tell users to add them, so the finding is advice (info).
 */
const PUBLIC = /(^|\.)(download\.pytorch\.org|pypi\.nvidia\.com|pypi\.ngc\.nvidia\.com|data\.pyg\.org|anaconda\.org|anaconda\.com)$/;

/** How much an extra index puts at risk: null for PyPI's own names, `public` for a vendor's public index, `private` otherwise (or unknown). */
function kindOf(url: string, ins: Instruction): 'public' | 'private' | null {
  const v = expand(url, ins.vars);
  if (v.unresolved) return 'private';
  const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:?#]+)/i.exec(v.value)?.[1]?.toLowerCase();
  if (!host) return 'private';
  if (SAME_NAMES.test(host)) return null;
  return PUBLIC.test(host) ? 'public' : 'private';
}

/** The values of an option (`--extra-index-url URL`, `--extra-index-url=URL`, pip's abbreviations down to `shortest` characters, a short form). */
function optionValues(args: readonly Word[], long: string, shortest: number, short?: string): { url: string; at: Range }[] {
  const out: { url: string; at: Range }[] = [];
  args.forEach((w, i) => {
    const [flag, value] = w.value.split(/=(.*)/s);
    if (!flag) return;
    if (short && w.value.startsWith(short) && !w.value.startsWith('--')) {
      const url = w.value.length > short.length ? w.value.slice(short.length) : args[i + 1]?.value;
      if (url) out.push({ url, at: w.range });
      return;
    }
    if (flag.length < shortest || !long.startsWith(flag)) return;
    const url = value ?? args[i + 1]?.value;
    if (url) out.push({ url, at: w.range });
  });
  return out;
}

export default defineCheck({
  id: 'security/pip-extra-index',
  title: 'pip does not mix an extra index with PyPI (dependency confusion)',
  category: 'security',
  severity: 'warning',
  messages: {
    option: '`--extra-index-url {url}` makes pip take each package from whichever index, PyPI or this one, has the highest version, so a package published on PyPI under the name of one of this index\'s packages replaces it (dependency confusion); point --index-url at one proxy that serves both, or install with uv, which takes a package from the first index that has it',
    uvBestMatch: '--index-strategy unsafe-best-match makes uv take each package from whichever index, PyPI or {url}, has the highest version, so a package published on PyPI under the name of one of that index\'s packages replaces it (dependency confusion); keep uv\'s first-index strategy and pin the packages that come from that index to it (an explicit index in [tool.uv.sources])',
    pypiExtra: '`--extra-index-url {url}` beside --index-url {primary} makes pip take each package from whichever index has the highest version, so a package published on PyPI under the name of one of your index\'s packages replaces it (dependency confusion); let your index proxy PyPI and drop the extra index, or install with uv, which takes a package from the first index that has it',
    assignment: 'PIP_EXTRA_INDEX_URL={url} makes this pip install take each package from whichever index, PyPI or this one, has the highest version, so a package published on PyPI under the name of one of this index\'s packages replaces it (dependency confusion); point PIP_INDEX_URL at one proxy that serves both, or install with uv',
    buildArg: 'ARG PIP_EXTRA_INDEX_URL hands the index a build passes to every later pip install, which then takes each package from whichever index, PyPI or that one, has the highest version, so a package published on PyPI under the name of one of its packages replaces it (dependency confusion); pass PIP_INDEX_URL pointing at one proxy that serves both, or install with uv',
    setting: '{keyword} PIP_EXTRA_INDEX_URL={url} makes every later pip install take each package from whichever index, PyPI or this one, has the highest version, so a package published on PyPI under the name of one of this index\'s packages replaces it (dependency confusion); point PIP_INDEX_URL at one proxy that serves both, or install with uv',
  },
  docs: {
    why: `pip treats \`--extra-index-url\` (and \`PIP_EXTRA_INDEX_URL\`) as one more place to look, with the
same weight as PyPI: for every requirement it gathers the versions from all indexes and installs the
highest. When the extra index holds your organisation's own packages, anyone can publish a package of
the same name on PyPI with a higher version, and the next build installs it and runs its code as
root: dependency confusion, used against many companies since 2021 and against PyTorch's own nightly
index (\`torchtriton\`, 2022). Pinning a version does not help when the attacker publishes that version.

Use one index: \`--index-url\` (\`PIP_INDEX_URL\`) pointing at a proxy that serves your packages and
mirrors PyPI (Artifactory, Nexus, devpi, a cloud artifact registry), where your names take
precedence; or install with uv, whose default index strategy takes each package from the first index
that has it (\`uv pip install --index-url https://pypi.internal.example/simple --extra-index-url
https://pypi.org/simple\`); or pin hashes (\`--require-hashes\`).

A warning for an index of your own (or one named by a variable); info for the public indexes of
vendors whose install instructions use it (PyTorch, NVIDIA, PyG, Anaconda). Not reported: piwheels
(it rebuilds PyPI's own projects, so its names are PyPI's) and PyPI itself as the extra index of PyPI
(PyPI as the extra index of your own \`--index-url\` is the same race the other way round, and is
reported); uv (its default takes a package from the first index that has it) unless
\`--index-strategy unsafe-best-match\` makes its indexes (\`--index\`, \`--extra-index-url\`) race too;
\`--find-links\`; an extra index written in a requirements file or \`pip.conf\`.`,
    bad: `FROM python:3.12-slim
RUN pip install --no-cache-dir --extra-index-url https://pypi.internal.example/simple acme-billing==2.3.1
`,
    good: `FROM python:3.12-slim
RUN pip install --no-cache-dir --index-url https://pypi.internal.example/simple acme-billing==2.3.1
`,
    related: ['security/verification-disabled'],
  },
  dockerfile: (ctx) => {
    const variable = (ins: Instruction): void => {
      for (const p of ins.properties) {
        if (p.name !== 'PIP_EXTRA_INDEX_URL') continue;
        // An ARG without a default is what a build passes its index through.
        const kind = p.value === null || p.value === '' ? 'private' : kindOf(p.value, ins);
        if (kind) ctx.report({ messageId: p.value ? 'setting' : 'buildArg', data: { keyword: ins.keyword, url: p.value ?? '' }, at: p.range, severity: kind === 'public' ? 'info' : undefined });
      }
    };
    return {
      ENV: variable,
      ARG: variable,
      RUN(ins) {
        for (const cmd of runCommands(ins)) {
          const p = packageCommand(cmd);
          if (p?.manager !== 'pip' || !['install', 'download', 'wheel'].includes(p.action)) continue;
          // uv takes each package from the first index that has it, unless told to pick the best version across them.
          if (cmd.base === 'uv') {
            if (!cmd.argv.some((a, i) => a === '--index-strategy=unsafe-best-match' || (a === '--index-strategy' && cmd.argv[i + 1] === 'unsafe-best-match'))) continue;
            for (const x of ['--extra-index-url', '--index', '--index-url', '--default-index'].flatMap((o) => optionValues(cmd.args, o, o.length))) {
              const kind = kindOf(x.url, ins);
              if (kind) ctx.report({ messageId: 'uvBestMatch', data: { url: x.url }, at: x.at, severity: kind === 'public' ? 'info' : undefined });
            }
            continue;
          }
          const primary = optionValues(cmd.args, '--index-url', 7, '-i')[0]?.url ?? ins.vars.get('PIP_INDEX_URL') ?? null;
          for (const x of optionValues(cmd.args, '--extra-index-url', 7)) {
            const kind = kindOf(x.url, ins);
            if (kind) ctx.report({ messageId: 'option', data: { url: x.url }, at: x.at, severity: kind === 'public' ? 'info' : undefined });
            // PyPI beside your own index: the same race, the other way round.
            else if (primary !== null && kindOf(primary, ins) === 'private') ctx.report({ messageId: 'pypiExtra', data: { url: x.url, primary }, at: x.at });
          }
          for (const a of cmd.assignments) {
            const [name, value] = a.split(/=(.*)/s);
            const kind = name === 'PIP_EXTRA_INDEX_URL' && value ? kindOf(value.replace(/^["']|["']$/g, ''), ins) : null;
            if (kind) ctx.report({ messageId: 'assignment', data: { url: value! }, at: cmd, severity: kind === 'public' ? 'info' : undefined });
          }
        }
      },
    };
  },
});
