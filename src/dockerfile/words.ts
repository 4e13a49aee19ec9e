/**
 * Dockerfile text as the builder reads it: line continuations and the comment lines inside them
 * removed (with a map back to the source), arguments split on white space outside quotes, quotes
 * and escapes removed from a word.
 */
import type { MappedText } from '../util/text.js';

/** Removes line continuations, and the comment and empty lines inside them; after the first logical line (heredoc bodies) text is kept as is. */
export function unfold(src: string, start: number, end: number, escape: string): MappedText {
  // Most instructions are one line without an escape character or CR: the text is the slice itself.
  const escCode = escape.charCodeAt(0);
  let plain = true;
  for (let k = start; k < end && plain; k++) {
    const c = src.charCodeAt(k);
    plain = c !== 10 && c !== 13 && c !== escCode;
  }
  if (plain && end >= start) {
    return { text: src.slice(start, end), map: null, start };
  }
  let text = '';
  // At most one entry per source character and one past the end; `n` are used.
  const all = new Int32Array(Math.max(end - start, 0) + 1);
  let n = 0;
  let i = start;
  while (i < end) {
    // A run of characters that are none of escape, LF, CR is copied as one slice.
    let run = i;
    while (run < end) {
      const c = src.charCodeAt(run);
      if (c === escCode || c === 10 || c === 13) break;
      run++;
    }
    if (run > i) {
      text += src.slice(i, run);
      for (let k = i; k < run; k++) all[n++] = k;
      i = run;
      if (i >= end) break;
    }
    const ch = src[i];
    if (ch === escape) {
      let j = i + 1;
      while (j < end && (src[j] === ' ' || src[j] === '\t')) j++;
      if (j < end && src[j] === '\r') j++;
      if (j >= end || src[j] === '\n') {
        i = j + 1;
        for (;;) {
          let k = i;
          while (k < end && (src[k] === ' ' || src[k] === '\t')) k++;
          if (k < end && src[k] === '#') {
            while (k < end && src[k] !== '\n') k++;
            i = k + 1;
          } else if (k < end && (src[k] === '\n' || (src[k] === '\r' && src[k + 1] === '\n'))) {
            i = src[k] === '\r' ? k + 2 : k + 1;
          } else break;
        }
        continue;
      }
    }
    if (ch === '\n') {
      // Heredoc bodies are kept as written, without the CR of a CRLF.
      let from = i;
      for (let k = i; k < end; k++) {
        if (src.charCodeAt(k) !== 13 || src[k + 1] !== '\n') continue;
        text += src.slice(from, k);
        for (let m = from; m < k; m++) all[n++] = m;
        from = k + 1;
      }
      text += src.slice(from, end);
      for (let m = from; m < end; m++) all[n++] = m;
      break;
    }
    if (!(ch === '\r' && src[i + 1] === '\n')) {
      text += ch;
      all[n++] = i;
    }
    i++;
  }
  all[n++] = end;
  return { text, map: all.subarray(0, n), start: 0 };
}

export function slice(mt: MappedText, start: number, end = mt.text.length): MappedText {
  const text = mt.text.slice(start, end);
  return mt.map ? { text, map: mt.map.subarray(start, end + 1), start: 0 } : { text, map: null, start: mt.start + start };
}

/** Without white space (`\s`) at both ends, sliced once. */
export function trim(mt: MappedText): MappedText {
  const t = mt.text;
  let a = 0;
  let b = t.length;
  while (a < b && isSpace(t.charCodeAt(a))) a++;
  while (b > a && isSpace(t.charCodeAt(b - 1))) b--;
  return a === 0 && b === t.length ? mt : slice(mt, a, b);
}

/** `/\s/` for one character code, without a regular expression for the ASCII ones. */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return /\s/.test(String.fromCharCode(c));
}

/** Splits an instruction's arguments on white space outside quotes; tokens keep their quotes. */
export function splitArgs(mt: MappedText, escape: string): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  const t = mt.text;
  let i = 0;
  while (i < t.length) {
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    if (i >= t.length) break;
    const start = i;
    let quote = '';
    while (i < t.length) {
      const ch = t[i]!;
      if (ch === escape && i + 1 < t.length) {
        i += 2;
        continue;
      }
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (isSpace(t.charCodeAt(i))) break;
      i++;
    }
    out.push({ text: t.slice(start, i), start, end: i });
  }
  return out;
}

/** Removes quotes and escapes from a token, as the builder does for ARG/ENV/LABEL values. */
export function unquote(token: string, escape: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < token.length; i++) {
    const ch = token[i]!;
    if (ch === escape && i + 1 < token.length && quote !== "'") {
      const next = token[i + 1]!;
      if (quote === '"' && next !== '"' && next !== escape && next !== '$') out += ch;
      out += next;
      i++;
    } else if (quote) {
      if (ch === quote) quote = '';
      else out += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else out += ch;
  }
  return out;
}
