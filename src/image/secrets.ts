/** Who set a secret-looking variable of an image's config, for the image side of the security checks. */
import { baseImageName, type OriginContext } from './origin.js';
import { historyInstruction } from './history.js';

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Who set a config `Env` variable: the last history `ENV` entry that names it. A variable no entry
 * records (a squashed image, a history without ENV entries) counts as this build's.
 */
export function envOrigin(ctx: OriginContext, name: string): { fromBase: boolean; says: string } {
  const history = ctx.image.history;
  const named = new RegExp(`(^|\\s)${escapeRe(name)}[=\\s]`);
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    const ins = historyInstruction(h.createdBy);
    if (ins?.keyword !== 'ENV' || !named.test(ins.body)) continue;
    if (!h.fromBase) return { fromBase: false, says: 'set by this build' };
    const base = baseImageName(ctx.image, ctx.build);
    return { fromBase: true, says: `set by the base image${base ? ` ${base}` : ''}` };
  }
  return { fromBase: false, says: 'no history entry records who set it' };
}
