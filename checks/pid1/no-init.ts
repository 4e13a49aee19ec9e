import { defineCheck } from '../../src/engine/types.js';
import { commandPlace, type Launch, type ShellHop, type StayReason, type Where } from '../../src/knowledge/launch.js';
import { dockerfileLaunch, dockerfileTarget } from '../../src/dockerfile/launch.js';
import { imageTarget } from '../../src/image/launch.js';
import { baseSeverity } from '../../src/image/origin.js';
import type { DockerfileFacts } from '../../src/dockerfile/model.js';
import { finalCommands } from '../../src/dockerfile/launch.js';
import { stageChain, stageInstalls } from '../../src/dockerfile/stages.js';
import { tiniFix } from '../../src/fix/launch-edits.js';
import { launchPlace, longRunning, manifestHop } from '../../src/pair/place.js';

const WHY: Record<StayReason, string> = {
  trap: 'its trap runs only after {program} exits',
  background: 'it runs {program} in the background',
  wait: 'it waits for its jobs',
  loop: 'it ends in a loop',
  pipeline: 'it ends in a pipeline',
};

const SHELL: Record<ShellHop['kind'], string> = { 'shell-form': 'the shell-form {keyword}', 'sh-c': '`{shellName} -c`', script: '{script}' };

function offending(launch: Launch | null | undefined): { hop: ShellHop; where: Where }[] {
  if (!launch || launch.init) return [];
  return launch.hops.filter((h) => h.mustStay).map((hop) => ({ hop, where: hop.mustStay!.command ? commandPlace(hop, hop.mustStay!.command) : hop.at }));
}

function data(hop: ShellHop, origin: string): Record<string, string> {
  const program = (hop.mustStay!.reason === 'trap' ? hop.last?.name : hop.mustStay!.command?.name) || 'a command';
  const shell = SHELL[hop.kind].replace('{keyword}', hop.keyword ?? 'command').replace('{shellName}', hop.shellName).replace('{script}', hop.script?.file ?? 'the script');
  return { shell, reason: WHY[hop.mustStay!.reason].replace('{program}', program), origin };
}

export default defineCheck({
  id: 'pid1/no-init',
  title: 'A shell that stays PID 1 has an init in front of it',
  category: 'pid1',
  severity: 'warning',
  fixable: 'suggested',
  messages: {
    noInit: '{shell} stays PID 1 because {reason}, and no init is in front: it neither forwards SIGTERM to its children nor reaps zombies; start it under tini or dumb-init (`ENTRYPOINT ["tini", "--", …]`) or run the container with `docker run --init`{origin}',
  },
  docs: {
    why: `PID 1 has two jobs other processes do not: the kernel delivers it only the signals it handles, and
every orphaned process is re-parented to it, so it must reap them or they stay as zombies. A shell
that stays PID 1 does neither for its children. When the shell could simply go away, \`exec\` is the
fix (\`pid1/sh-c-without-exec\`, \`pid1/script-without-exec\` and \`pid1/shell-form-command\` report
those). This check reports the shells that have to stay: they start jobs in the background,
\`wait\`, loop or end in a pipeline, or they set a \`trap\` and then run the app in the foreground
(the shell runs the trap only after the app has exited, and \`exec\` would drop it). A shell that
stays on purpose and traps TERM, INT or QUIT itself (\`trap 'kill $pid' TERM\` followed by \`wait\`,
or a loop) handles the stop signal and is not reported.

Put a real init in front: \`tini\` or \`dumb-init\` as the ENTRYPOINT, or \`docker run --init\`
(Docker's bundled tini; \`init: true\` in Compose; in Kubernetes \`shareProcessNamespace: true\`
makes the pod's pause process PID 1). tini, dumb-init, catatonit, docker-init and s6-overlay's \`/init\`
count as an init.`,
    bad: `FROM alpine:3.20
COPY worker server /usr/local/bin/
USER 1000
ENTRYPOINT ["sh", "-c", "worker & server & wait"]
`,
    good: `FROM alpine:3.20
RUN apk add --no-cache tini
COPY worker server /usr/local/bin/
USER 1000
ENTRYPOINT ["tini", "-g", "--", "sh", "-c", "worker & server & wait"]
`,
    fix: 'Where the final stage installs tini (a `tini` package, or a file copied to `…/tini`), the fix starts the command under it: `"tini", "--"` at the head of an exec-form ENTRYPOINT, or a new `ENTRYPOINT ["tini", "--"]` above the CMD. Without tini in the image there is no fix: run the container with `docker run --init`.',
    related: ['pid1/sh-c-without-exec', 'pid1/script-without-exec', 'pid1/shell-form-command'],
  },
  dockerfile: (ctx) => ({
    end() {
      for (const { hop, where } of offending(dockerfileLaunch(ctx.facts))) ctx.report({ messageId: 'noInit', data: data(hop, ''), ...dockerfileTarget(where), fix: initFix(ctx.facts) });
    },
  }),
  image: (ctx) => {
    for (const { hop, where } of offending(ctx.image.launch)) {
      const t = imageTarget(ctx, where);
      const severity = baseSeverity(ctx, t);
      ctx.report({ messageId: 'noInit', data: data(hop, ` (${t.origin})`), image: t.image, ...(severity ? { severity } : {}), ...(t.dockerfile ? { dockerfile: t.dockerfile } : {}), detail: { fromBase: t.fromBase } });
    }
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      // The pause process is PID 1 of a pod that shares its process namespace: it reaps, though it forwards nothing.
      if (c.workload.pod.shareProcessNamespace?.value === true || !longRunning(c)) continue;
      for (const { hop, where } of offending(c.launch)) {
        if (manifestHop(c, hop)) ctx.report({ messageId: 'noInit', data: data(hop, ` (${c.label})`), ...launchPlace(c, where) });
      }
    }
  },
});

/** tini in front, where the final stage installs it. */
function initFix(facts: DockerfileFacts) {
  if (!facts.finalStage) return null;
  const { entrypoint, cmd } = finalCommands(facts);
  const installs = stageChain(facts.finalStage).flatMap((s) => stageInstalls(s).flatMap((p) => p.packages.map((w) => w.value)));
  return tiniFix(facts, entrypoint, cmd, installs);
}
