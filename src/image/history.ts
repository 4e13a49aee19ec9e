/**
 * An image's history entries read as the instructions that made them: the forms the classic builder,
 * buildah, BuildKit and kaniko write in `created_by`, shortened and redacted for messages, and the
 * RUN entries' commands parsed once.
 */
import type { HistoryEntry } from './facts.js';
import { isPathValue, isSecretName, redactSecrets } from '../knowledge/secrets.js';
import { parseScriptText, shellParserReady, type ShellScript } from '../shell/shell.js';

/** One history entry's instruction: keyword and the text after it. */
export interface HistoryInstruction {
  keyword: string;
  body: string;
}

const KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'LABEL', 'USER', 'WORKDIR', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'ONBUILD', 'MAINTAINER']);

/**
 * The instruction a history `created_by` records, in the forms builders write: the classic builder
 * and buildah (`/bin/sh -c #(nop) COPY file:… in /app`, `/bin/sh -c apk add …` for RUN,
 * `|2 A=1 B=2 /bin/sh -c …` for RUN with build args), BuildKit and kaniko (`RUN /bin/sh -c … # buildkit`,
 * `COPY . . # buildkit`, `USER app`). Null when it is none of these.
 */
export function historyInstruction(createdBy: string): HistoryInstruction | null {
  let s = createdBy.trim().replace(/\s+# buildkit$/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s*(\S+)\s*([\s\S]*)$/.exec(s);
  if (nop) {
    const kw = nop[1]!.toUpperCase();
    return KEYWORDS.has(kw) ? { keyword: kw, body: nop[2]!.trim() } : null;
  }
  s = s.replace(/^\|\d+(?:\s+\S+?=\S*)*\s+(?=\/bin\/sh -c )/, '');
  const sh = /^\/bin\/sh -c\s+([\s\S]*)$/.exec(s);
  if (sh) return { keyword: 'RUN', body: sh[1]!.trim() };
  const kw = /^([A-Za-z]+)\b\s*([\s\S]*)$/.exec(s);
  if (kw && KEYWORDS.has(kw[1]!.toUpperCase()) && kw[1] === kw[1]!.toUpperCase()) {
    const body = kw[2]!.trim();
    return { keyword: kw[1]!, body: kw[1] === 'RUN' ? body.replace(/^\|\d+(?:\s+\S+?=\S*)*\s+/, '').replace(/^\/bin\/sh -c\s+/, '') : body };
  }
  return null;
}

/** `NAME=value`, `--name=value`. */
const ASSIGNMENT = /(^|[\s;&|(])(--?[A-Za-z][\w.-]*|[A-Za-z_][\w.-]*)=("[^"]*"|'[^']*'|[^\s;&|)]+)/g;
/** `--name value`. */
const OPTION_VALUE = /(^|\s)(--?[A-Za-z][\w.-]*)\s+("[^"]*"|'[^']*'|[^\s;&|)-][^\s;&|)]*)/g;

/** History text with secret values cut to their first characters: token shapes and secret-named assignments and options. */
function redactHistory(text: string): string {
  const cut = (sep: string) => (m: string, lead: string, name: string, value: string): string => {
    const bare = value.replace(/^["']|["']$/g, '');
    if (!isSecretName(name.replace(/^--?/, '')) || bare.length < 4 || bare.startsWith('$') || isPathValue(bare)) return m;
    return `${lead}${name}${sep}${bare.slice(0, 2)}…`;
  };
  return redactSecrets(text).replace(ASSIGNMENT, cut('=')).replace(OPTION_VALUE, cut(' '));
}

/**
 * A history entry as a short instruction for messages (`RUN apk add curl`, at most 80 characters),
 * with secret values redacted: image findings quote it in their messages and `detail.createdBy`.
 */
export function shortCreatedBy(createdBy: string): string {
  const h = historyInstruction(createdBy);
  const text = redactHistory((h ? `${h.keyword} ${h.body}` : createdBy.trim()).replace(/\s+/g, ' ').replace(/\b(file|dir|multi):([0-9a-f]{12})[0-9a-f]{4,}/g, '$1:$2…')).trim();
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

const instructions = new WeakMap<HistoryEntry, HistoryInstruction | null>();

/** `historyInstruction` of an entry, read once per entry (every check that walks the history asks). */
export function entryInstruction(entry: HistoryEntry): HistoryInstruction | null {
  let h = instructions.get(entry);
  if (h === undefined) instructions.set(entry, (h = historyInstruction(entry.createdBy)));
  return h;
}

const scripts = new WeakMap<HistoryEntry, ShellScript | null>();

/**
 * The commands of a RUN history entry, parsed once with the shell parser (null for other entries, or
 * when the parser is not loaded: `analyzeImage` loads it before the checks run).
 */
export function historyScript(entry: HistoryEntry): ShellScript | null {
  if (scripts.has(entry)) return scripts.get(entry)!;
  const h = entryInstruction(entry);
  const script = h?.keyword === 'RUN' && shellParserReady() && !h.body.startsWith('[') ? parseScriptText(h.body) : null;
  scripts.set(entry, script);
  return script;
}

/**
 * True when a COPY/ADD history entry copies the whole build context: BuildKit and kaniko record the
 * sources (`COPY . . # buildkit`, `COPY --chown=app . /app`); the classic builder and buildah record
 * a directory digest and the destination (`COPY dir:3f1c… in .`, `… in /app` with WORKDIR /app).
 * `workdir` is the WORKDIR in force at that entry.
 */
export function copiesWholeContext(h: HistoryInstruction, workdir: string): boolean {
  if (h.keyword !== 'COPY' && h.keyword !== 'ADD') return false;
  const classic = /^dir:[0-9a-f]+ in (\S+)\s*$/.exec(h.body);
  if (classic) {
    const dest = classic[1]!.replace(/\/+$/, '') || '/';
    const wd = workdir.replace(/\/+$/, '') || '/';
    return dest === '.' || dest === './' || (dest === wd && wd !== '/');
  }
  if (/^(file|multi|dir):/.test(h.body)) return false;
  const words = h.body.split(/\s+/).filter((w) => !w.startsWith('--'));
  if (words.length < 2) return false;
  return words.slice(0, -1).some((w) => w === '.' || w === './' || w === '"."');
}
