/** Who set a secret-looking variable of an image's config, for the image side of the security checks. */
import { baseImageName, type OriginContext } from './origin.js';
import { historyInstruction } from './history.js';
import { memoized } from '../util/memo.js';

/**
 * For each variable name, the last history `ENV` entry that names it, read once per image (a
 * config may hold thousands of variables and of history entries). A name counts where it is
 * followed by `=` or by a space in the entry (`ENV A=1 B=2`, the legacy `ENV A 1`).
 */
function envSetters(image: OriginContext['image']): Map<string, number> {
  return memoized(image, 'envSetters', () => {
    const out = new Map<string, number>();
    image.history.forEach((h, i) => {
      const ins = historyInstruction(h.createdBy);
      if (ins?.keyword !== 'ENV') return;
      const words = ins.body.split(/\s+/).filter(Boolean);
      words.forEach((w, k) => {
        const eq = w.indexOf('=');
        if (eq > 0) out.set(w.slice(0, eq), i);
        else if (eq < 0 && k < words.length - 1) out.set(w, i);
      });
    });
    return out;
  });
}

/**
 * Who set a config `Env` variable: the last history `ENV` entry that names it. A variable no entry
 * records (a squashed image, a history without ENV entries) counts as this build's.
 */
export function envOrigin(ctx: OriginContext, name: string): { fromBase: boolean; says: string } {
  const i = envSetters(ctx.image).get(name);
  if (i === undefined) return { fromBase: false, says: 'no history entry records who set it' };
  if (!ctx.image.history[i]!.fromBase) return { fromBase: false, says: 'set by this build' };
  const base = baseImageName(ctx.image, ctx.build);
  return { fromBase: true, says: `set by the base image${base ? ` ${base}` : ''}` };
}
