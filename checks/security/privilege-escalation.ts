import { defineCheck } from '../../src/engine/types.js';
import { imageLine } from '../../src/pair/place.js';
import { compareText } from '../../src/util/order.js';

export default defineCheck({
  id: 'security/privilege-escalation',
  title: 'A non-root container with setuid files in its image sets allowPrivilegeEscalation: false',
  category: 'security',
  severity: 'warning',
  messages: {
    escalation:
      '{container} runs as UID {uid} and does not set allowPrivilegeEscalation: false, and {image} has {count} setuid or setgid file{s} ({files}): any process in the container can run them with their owner’s privileges; set allowPrivilegeEscalation: false',
  },
  docs: {
    why: `Running as a non-root UID is only half of not being root: a setuid-root file in the image (\`su\`,
\`passwd\`, \`mount\`, \`sudo\`, or one the build added) gives root back to any process that runs it,
and one bug in it is enough. \`allowPrivilegeEscalation: false\` sets the kernel's \`no_new_privs\`
flag on the container's processes, and setuid and setgid bits then raise nothing. Kubernetes
leaves it on (\`true\`) by default; the restricted Pod Security Standard requires \`false\`.

Manifest linters flag every container without it. This check reports it where it matters, which
takes both files: a container that runs as non-root (\`runAsUser\`, else the image's USER) without
\`allowPrivilegeEscalation: false\`, whose image has setuid or setgid regular files (the
distribution's usual ones included: they are the classic way back to root). A privileged
container is left to other checks (it escalates without setuid files). It needs the image: the
Dockerfile does not show what the base image brings.`,
    bad: '',
    good: '',
    manifest: {
      bad: `apiVersion: v1
kind: Pod
metadata:
  name: setuid
spec:
  containers:
    - name: app
      image: shipshape-sample/setuid:1.0.0
      securityContext:
        runAsUser: 10001
`,
      good: `apiVersion: v1
kind: Pod
metadata:
  name: setuid
spec:
  containers:
    - name: app
      image: shipshape-sample/setuid:1.0.0
      securityContext:
        runAsUser: 10001
        allowPrivilegeEscalation: false
`,
      image: 'setuid.docker',
    },
    related: ['security/setuid-files', 'user/root-user'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const image = c.source?.image;
      const s = c.security;
      if (!image || s.allowPrivilegeEscalation?.value === false || s.privileged?.value === true || c.user.uid === null || c.user.uid === 0) continue;
      const setuid = [...image.files.values()].filter((f) => f.type === 'file' && (f.mode & 0o6000) !== 0).sort((a, b) => compareText(a.path, b.path));
      const first = setuid[0];
      if (!first) continue;
      const shown = setuid.slice(0, 3).map((f) => f.path).join(', ') + (setuid.length > 3 ? ', …' : '');
      const at = s.allowPrivilegeEscalation?.range ?? c.container.security.key ?? imageLine(c);
      ctx.report({ messageId: 'escalation', data: { container: c.label, uid: c.user.uid, image: c.source!.label, count: setuid.length, s: setuid.length === 1 ? '' : 's', files: shown }, at, pairedWith: { file: c.source!.file, path: first.path, layer: first.layer } });
    }
  },
});
