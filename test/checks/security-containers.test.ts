/** The security checks on Kubernetes containers. */
import { testContainerCheck } from '../helpers/container-tester.js';
import escalation from '../../checks/security/privilege-escalation.js';

const pod = (spec: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;
const app = (extra: string): string => pod(`  containers:\n    - name: app\n      image: ghcr.io/acme/app:1.0.0\n${extra}`);

testContainerCheck(escalation, {
  valid: [
    { name: 'allowPrivilegeEscalation: false', manifest: app('      securityContext:\n        allowPrivilegeEscalation: false\n'), image: 'setuid.docker' },
    { name: 'no setuid files', manifest: app(''), image: 'good.docker' },
    { name: 'root anyway', manifest: app('      securityContext:\n        runAsUser: 0\n'), image: 'setuid.docker' },
    { name: 'privileged is another matter', manifest: app('      securityContext:\n        privileged: true\n'), image: 'setuid.docker' },
    { name: 'no image', manifest: app('') },
  ],
  invalid: [
    { name: 'unset, non-root image user', manifest: app(''), image: 'setuid.docker', errors: [{ messageId: 'escalation', line: 8, pairedWith: 'setuid.docker.tar /usr/local/bin/group-helper' }] },
    { name: 'true, at the setting', manifest: app('      securityContext:\n        runAsUser: 2000\n        allowPrivilegeEscalation: true\n'), image: 'setuid.docker', errors: [{ messageId: 'escalation', line: 11 }] },
  ],
});
