/** The tools checks on Kubernetes containers. */
import { testContainerCheck } from '../helpers/container-tester.js';
import privilegedTools from '../../checks/tools/privileged-tools.js';

const pod = (spec: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;
const PRIVILEGED = pod(`  containers:\n    - name: agent\n      image: a:1\n      securityContext:\n        privileged: true\n`);

testContainerCheck(privilegedTools, {
  valid: [
    { name: 'no tools', manifest: PRIVILEGED, image: 'good.docker' },
    { name: 'not privileged', manifest: pod(`  containers:\n    - name: agent\n      image: a:1\n`), image: 'tools-netcat.docker' },
    { name: 'the tools are allowed', manifest: PRIVILEGED, image: 'tools-netcat.docker', settings: { allowedTools: ['netcat', 'wget', 'sshd'] } },
    { name: 'no image', manifest: PRIVILEGED },
  ],
  invalid: [
    { name: 'netcat, wget and sshd in the image', manifest: PRIVILEGED, image: 'tools-netcat.docker', errors: [{ messageId: 'tools', line: 10, pairedWith: 'tools-netcat.docker.tar /usr/bin/nc' }] },
    { name: 'a Dockerfile installs tcpdump', manifest: PRIVILEGED, dockerfile: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y tcpdump\n', errors: [{ messageId: 'tools', line: 10, pairedWith: 'Dockerfile:2' }] },
  ],
});
