import { defineCheck } from '../../src/engine/types.js';
import { packageLauncher, type Launch } from '../../src/knowledge/launch.js';
import { dockerfileLaunch, dockerfileTarget } from '../../src/dockerfile/launch.js';
import { imageTarget } from '../../src/image/launch.js';
import { baseSeverity } from '../../src/image/origin.js';
import { launcherFix } from '../../src/fix/launch-edits.js';
import { launchPlace, manifestMain } from '../../src/pair/place.js';

function launcher(launch: Launch | null | undefined): string | null {
  const main = launch?.main;
  return main ? packageLauncher(main.base, main.argv) : null;
}

export default defineCheck({
  id: 'pid1/package-manager-launcher',
  title: 'The app runs itself, not through npm, yarn or pnpm',
  category: 'pid1',
  severity: 'warning',
  fixable: 'safe',
  messages: {
    launcher: '`{launcher}` runs the app as a child of the package manager (through a shell), which passes SIGTERM on unreliably and reaps no zombies; run the program itself (`CMD ["node", "server.js"]`){origin}',
  },
  docs: {
    why: `\`npm start\`, \`yarn start\`, \`pnpm start\` and \`npx\` do not become the app: the package manager
starts a shell that starts the app, and stays in front of it. As PID 1 (or right behind a shell) the
package manager has to pass \`docker stop\`'s SIGTERM on; depending on the version it does not, or the
shell in between swallows it, so the app is killed with SIGKILL after the grace period, with no chance
to close connections. It does not reap orphaned children either, and it keeps a second Node.js
process's memory for nothing. Run the program the script runs: \`CMD ["node", "server.js"]\`.

Reported wherever the package manager ends up as the main process: exec or shell form, after an
init, after \`sh -c\`, or as the command an entrypoint script runs (\`exec npm start\`, or the CMD
that a script's \`exec "$@"\` runs). \`poetry run\`, \`pipenv run\` and \`bundle exec\` replace
themselves with the program (they exec it), so they are not reported.`,
    bad: `FROM node:20-slim
WORKDIR /app
COPY . .
USER 1000
CMD ["npm", "start"]
`,
    good: `FROM node:20-slim
WORKDIR /app
COPY . .
USER 1000
CMD ["node", "server.js"]
`,
    context: { 'package.json': '{"scripts": {"start": "node server.js"}}\n' },
    fix: 'The command becomes what the start script runs, read from `package.json` in the build context, in exec form, when it is one plain command of `node` or of a dependency\'s binary (`node_modules/.bin/…`) and no `prestart`/`poststart` script runs around it.',
    related: ['pid1/shell-form-command', 'pid1/script-without-exec'],
  },
  dockerfile: (ctx) => ({
    end() {
      const launch = dockerfileLaunch(ctx.facts);
      const name = launcher(launch);
      if (!name || !launch?.main) return;
      const at = launch.main.at;
      const ins = at.kind === 'dockerfile' ? ctx.facts.instructions.find((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && i.range.line <= at.range.line && i.range.endLine >= at.range.endLine) : undefined;
      const fix = ins ? launcherFix(ctx.facts, ins, [launch.main.name, ...launch.main.argv]) : null;
      ctx.report({ messageId: 'launcher', data: { launcher: name, origin: '' }, ...dockerfileTarget(at), fix });
    },
  }),
  image: (ctx) => {
    const launch = ctx.image.launch;
    const name = launcher(launch);
    if (!name || !launch?.main) return;
    const t = imageTarget(ctx, launch.main.at);
    const severity = baseSeverity(ctx, t);
    ctx.report({ messageId: 'launcher', data: { launcher: name, origin: ` (${t.origin})` }, image: t.image, ...(severity ? { severity } : {}), ...(t.dockerfile ? { dockerfile: t.dockerfile } : {}), detail: { fromBase: t.fromBase } });
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const name = launcher(c.launch);
      if (!name || !c.launch?.main || !manifestMain(c) || c.container.role === 'init') continue;
      ctx.report({ messageId: 'launcher', data: { launcher: name, origin: ` (${c.label})` }, ...launchPlace(c, c.launch.main.at) });
    }
  },
});
