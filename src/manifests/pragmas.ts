/**
 * Inline ignores in a manifest, written like the Dockerfile's: `# shipshape ignore=RULE[,RULE…]
 * [-- reason]` on the comment line(s) directly above a line silences those rules for that line and
 * every line indented under it (above `- name: web`, the whole container; above `runAsUser: 0`, that
 * setting); `# shipshape global ignore=…` anywhere silences them for the whole file.
 */
export interface ManifestPragma {
  /** Rule ids, categories or peer ids. */
  names: string[];
  /** Lines covered (1-based, inclusive); null for a global pragma. */
  span: { line: number; endLine: number } | null;
}

const PRAGMA = /^\s*#\s*shipshape\s+(global\s+)?ignore=([^\s]+)/;

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isBlankOrComment = (line: string): boolean => /^\s*(#.*)?$/.test(line);

export function manifestPragmas(text: string): ManifestPragma[] {
  const lines = text.split(/\r?\n/);
  const out: ManifestPragma[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = PRAGMA.exec(lines[i]!);
    if (!m) continue;
    const names = m[2]!.split(',').map((s) => s.trim()).filter(Boolean);
    if (m[1]) {
      out.push({ names, span: null });
      continue;
    }
    // The first line below that is not a comment; a blank line ends the pragma's reach.
    let j = i + 1;
    while (j < lines.length && /^\s*#/.test(lines[j]!)) j++;
    const target = lines[j];
    if (target === undefined || target.trim() === '') continue;
    // A sequence item (`- name: web`) is indented by its dash: its keys sit two further in.
    const indent = indentOf(target);
    let end = j;
    for (let k = j + 1; k < lines.length; k++) {
      const l = lines[k]!;
      if (isBlankOrComment(l)) continue;
      if (indentOf(l) <= indent || l.trimStart().startsWith('---')) break;
      end = k;
    }
    out.push({ names, span: { line: j + 1, endLine: end + 1 } });
  }
  return out;
}
