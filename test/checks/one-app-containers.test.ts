/** The one-app checks on Kubernetes containers: what the manifest's command starts. */
import { testContainerCheck } from '../helpers/container-tester.js';
import processManager from '../../checks/one-app/process-manager.js';
import backgroundServices from '../../checks/one-app/background-services.js';

const pod = (spec: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;
const web = (extra: string): string => pod(`  containers:\n    - name: web\n      image: ghcr.io/acme/web:1.0.0\n${extra}`);

testContainerCheck(processManager, {
  valid: [
    { name: 'one program', manifest: web('      command: ["/app/serve"]\n') },
    { name: 'the image’s own supervisord is the image’s finding', manifest: web(''), image: 'one-app-supervisord.docker' },
  ],
  invalid: [
    { name: 'supervisord as the command', manifest: web('      command: ["supervisord", "-n", "-c", "/etc/supervisord.conf"]\n'), errors: [{ messageId: 'container', line: 9 }] },
    { name: 'through an entrypoint that execs its arguments', manifest: web('      args: ["supervisord", "-n"]\n'), image: 'good.docker', errors: [{ messageId: 'container', line: 9, pairedWith: 'good.docker.tar config Cmd' }] },
  ],
});

testContainerCheck(backgroundServices, {
  valid: [
    { name: 'one program, exec', manifest: web('      command: ["sh", "-c", "exec nginx -g \\"daemon off;\\""]\n') },
    { name: 'an init container may start things', manifest: pod(`  initContainers:\n    - name: setup\n      image: a:1\n      command: ["sh", "-c", "service cron start && setup"]\n  containers:\n    - name: web\n      image: a:1\n`) },
  ],
  invalid: [
    { name: 'a service started before the app', manifest: web('      command: ["sh", "-c", "service cron start && exec node server.js"]\n'), errors: [{ messageId: 'service', line: 9 }] },
    { name: 'a program sent to the background', manifest: web('      command: ["sh", "-c", "nginx & exec node server.js"]\n'), errors: [{ messageId: 'background', line: 9 }] },
  ],
});
