/**
 * The value types of a label schema (hadolint's `label-schema`: `text`, `url`, `email`, `rfc3339`,
 * `semver`, `hash`, `spdx`) and what a value of each must look like.
 */
import licenseIds from 'spdx-license-ids/index.json' with { type: 'json' };
import deprecatedIds from 'spdx-license-ids/deprecated.json' with { type: 'json' };

export type LabelType = 'text' | 'url' | 'email' | 'rfc3339' | 'semver' | 'hash' | 'spdx';

let licenses: Set<string> | undefined;

/** An absolute URI (RFC 3986): a scheme, then only characters a URI may hold, `%` followed by two hex digits. */
function isUrl(v: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/.test(v);
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** An RFC 3339 date-time: `2024-05-01T12:30:00Z`, fractions and a `+02:00` offset allowed; the date must exist. */
function isRfc3339(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/.exec(v);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && !leap ? 28 : DAYS[month - 1];
  if (days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 60) return false;
  return m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
}

const NUMERIC = '(?:0|[1-9]\\d*)';
const PRE = `(?:${NUMERIC}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const SEMVER = new RegExp(`^${NUMERIC}\\.${NUMERIC}\\.${NUMERIC}(?:-${PRE}(?:\\.${PRE})*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`);

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const DOT_ATOM = `${ATOM}(?:\\.${ATOM})*`;
const ADDR_SPEC = `(?:${DOT_ATOM}|"(?:[^"\\\\\\r\\n]|\\\\.)*")@(?:${DOT_ATOM}|\\[[^[\\]\\\\\\s]*\\])`;
/** An RFC 5322 mailbox: `local@domain`, or with a display name, `Jane Doe <jane@example.com>` (the `maintainer` label's custom). */
const MAILBOX = new RegExp(`^(?:${ADDR_SPEC}|(?:[^<>@"]+|"(?:[^"\\\\]|\\\\.)*")\\s*<${ADDR_SPEC}>)$`);

function isEmail(v: string): boolean {
  return v.length <= 320 && MAILBOX.test(v.trim());
}

/** One SPDX license id (current or deprecated, any case, `LicenseRef-…` too), or an expression of them (`MIT OR Apache-2.0`, `GPL-2.0-only WITH Classpath-exception-2.0`). */
function isSpdx(v: string): boolean {
  licenses ??= new Set([...licenseIds, ...deprecatedIds].map((id) => id.toLowerCase()));
  const tokens = v.replace(/[()]/g, ' ').trim().split(/\s+/);
  if (tokens.length === 0 || tokens[0] === '') return false;
  // id (operator id)*; after WITH comes an exception id, not judged here.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (i % 2 === 1) {
      if (!/^(AND|OR|WITH)$/i.test(t)) return false;
      continue;
    }
    if (/^with$/i.test(tokens[i - 1] ?? '')) continue;
    const id = t.replace(/\+$/, '').toLowerCase();
    if (!licenses.has(id) && !/^(documentref-[A-Za-z0-9.-]+:)?licenseref-[A-Za-z0-9.-]+$/i.test(t)) return false;
  }
  return tokens.length % 2 === 1;
}

/** True when `value` is a valid value of `type` (`text` takes anything). */
export function labelValueFits(type: LabelType, value: string): boolean {
  switch (type) {
    case 'text': return true;
    case 'url': return isUrl(value);
    case 'email': return isEmail(value);
    case 'rfc3339': return isRfc3339(value);
    case 'semver': return SEMVER.test(value);
    case 'hash': return /^(?:[0-9a-f]{7}|[0-9a-f]{40})$/.test(value);
    case 'spdx': return isSpdx(value);
  }
}
