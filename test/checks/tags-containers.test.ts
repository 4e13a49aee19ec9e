/** The tags checks on Kubernetes containers: which image a container really runs. */
import { testContainerCheck } from '../helpers/container-tester.js';
import pullPolicy from '../../checks/tags/pull-policy.js';
import digestMismatch from '../../checks/tags/digest-mismatch.js';

const pod = (spec: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;
const one = (image: string, extra = ''): string => pod(`  containers:\n    - name: web\n      image: ${image}\n${extra}`);

testContainerCheck(pullPolicy, {
  valid: [
    { name: 'a version tag', manifest: one('ghcr.io/acme/web:1.4.2') },
    { name: 'a version tag with IfNotPresent', manifest: one('ghcr.io/acme/web:1.4.2', '      imagePullPolicy: IfNotPresent\n') },
    { name: 'a digest', manifest: one('ghcr.io/acme/web@sha256:1111111111111111111111111111111111111111111111111111111111111111') },
    { name: 'latest loaded by hand (Never)', manifest: one('web:latest', '      imagePullPolicy: Never\n') },
    { name: 'a moving tag always pulled', manifest: one('ghcr.io/acme/web:main', '      imagePullPolicy: Always\n') },
    { name: 'an ephemeral debug container', manifest: pod(`  containers:\n    - name: web\n      image: a:1.0\n  ephemeralContainers:\n    - name: debug\n      image: busybox\n`) },
    { name: 'a variable', manifest: one('ghcr.io/acme/web:$(TAG)') },
  ],
  invalid: [
    { name: 'no tag', manifest: one('nginx'), errors: [{ messageId: 'latest', line: 8, column: 14 }] },
    { name: 'latest', manifest: one('alpine:latest'), errors: [{ messageId: 'latest', line: 8 }] },
    { name: 'latest with IfNotPresent', manifest: one('ghcr.io/acme/web:latest', '      imagePullPolicy: IfNotPresent\n'), errors: [{ messageId: 'cached', line: 9 }] },
    { name: 'a moving tag, IfNotPresent by default', manifest: one('gcr.io/k8s-staging-metrics-server/metrics-server:master'), errors: [{ messageId: 'cached', line: 8 }] },
    { name: 'init containers too', manifest: pod(`  initContainers:\n    - name: wait\n      image: busybox\n  containers:\n    - name: web\n      image: a:1.0\n`), errors: [{ messageId: 'latest', line: 8 }] },
  ],
});

testContainerCheck(digestMismatch, {
  valid: [
    { name: 'a tag', manifest: one('shipshape-sample/good:1.0.0'), image: 'good.oci' },
    { name: 'the OCI archive’s own digest', manifest: one('shipshape-sample/good@sha256:4f98847a79f5a9331f32636e5648eeee21d6aaa7b4ccc2117da6029bdf9ff777'), image: 'good.oci' },
    { name: 'a docker-archive records no manifest digest', manifest: one('shipshape-sample/good@sha256:0000000000000000000000000000000000000000000000000000000000000000'), image: 'good.docker' },
    { name: 'no image', manifest: one('shipshape-sample/good@sha256:0000000000000000000000000000000000000000000000000000000000000000') },
  ],
  invalid: [
    { name: 'another digest than the OCI archive’s', manifest: one('shipshape-sample/good@sha256:0000000000000000000000000000000000000000000000000000000000000000'), image: 'good.oci', errors: [{ messageId: 'mismatch', line: 8, pairedWith: 'good.oci.tar' }] },
  ],
});
