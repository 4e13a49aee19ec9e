import { defineCheck } from '../../src/engine/types.js';
import { runCommands } from '../../src/dockerfile/run.js';
import { unpinnedPackages } from '../../src/dockerfile/package-pins.js';
import { contextIsGoModule } from '../../src/dockerfile/go.js';

const HOW = {
  apt: 'pin as name=version (apt-cache policy shows the candidate)',
  apk: 'pin as name=version or name~major.minor',
  pip: 'pin as name==version, or install from a requirements or constraints file with hashes',
  npm: 'pin as name@version, or install from package.json and a lockfile (npm ci)',
  gem: 'pin as name:version or with -v',
  yum: 'pin as name-version',
  dnf: 'pin as name-version (modules as name:stream)',
  zypper: 'pin as name=version',
  go: 'pin as module@vX.Y.Z (not @latest)',
  cargo: 'pin with --version or name@version',
} as const;

export default defineCheck({
  id: 'reproducibility/unpinned-package',
  title: 'Installed packages name a version',
  category: 'reproducibility',
  severity: 'info',
  aliases: ['DL3008', 'DL3013', 'DL3016', 'DL3018', 'DL3028', 'DL3033', 'DL3037', 'DL3041', 'DL3062'],
  messages: {
    apt: '`{command}` installs {packages} without a version, so a rebuild gets whatever the mirror has that day; {how}',
    apk: '`{command}` installs {packages} without a version, so a rebuild gets whatever the mirror has that day; {how}',
    pip: '`{command}` installs {packages} without a version, so a rebuild gets whatever PyPI has that day; {how}',
    npm: '`{command}` installs {packages} without a version, so a rebuild gets whatever the registry has that day; {how}',
    gem: '`{command}` installs {packages} without a version, so a rebuild gets whatever RubyGems has that day; {how}',
    yum: '`{command}` installs {packages} without a version, so a rebuild gets whatever the repository has that day; {how}',
    dnf: '`{command}` installs {packages} without a version, so a rebuild gets whatever the repository has that day; {how}',
    zypper: '`{command}` installs {packages} without a version, so a rebuild gets whatever the repository has that day; {how}',
    go: '`{command}` fetches {packages} at the newest version, so a rebuild can build different code; {how}',
    cargo: '`{command}` installs {packages} at the newest version, so a rebuild can build different code; {how}',
  },
  docs: {
    why: `A package installed without a version is whatever the mirror or registry serves when the build runs.
Two builds of the same Dockerfile a week apart can ship different code, a rebuild to fix one thing
can pull in an unrelated upgrade, and a bisect over image versions cannot trust the Dockerfile.

Pinning (\`curl=7.88.1-10+deb12u5\`, \`flask==3.0.3\`, \`tool@v1.4.2\`) makes the build repeatable; a
bot such as Renovate or Dependabot then proposes upgrades as reviewed changes. Pinning every OS
package is a team's choice (pins break when the mirror drops old versions), so this is
information, not a warning. Requirement files, lockfiles (\`npm ci\`), local paths, archives and
\`.deb\`/\`.rpm\`/\`.apk\` files are not reported; a version held in an ARG counts as a pin.

Also not reported: distribution packages whose name carries their version line (\`openjdk-17-jre\`,
\`python3.12\`, \`cuda-nvcc-\${CUDA_MAJOR}-\${CUDA_MINOR}\`), which the distribution keeps to fixes
only; pip packages built nightly on purpose (\`torch-nightly\`); and Go packages that fetch nothing at
a floating version: the standard library (\`go install std\`), local files and patterns (\`go run
build.go\`, \`./...\`), and \`go install pkg\` in a build context that is a Go module, where go.mod says
the version. Packages the same RUN removes again are reported: build dependencies decide what gets
compiled.`,
    bad: `FROM python:3.12-slim
RUN pip install --no-cache-dir flask gunicorn
`,
    good: `FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0
`,
    related: ['tags/no-digest'],
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      for (const c of runCommands(ins)) {
        const u = unpinnedPackages(c, ins, { goModule: contextIsGoModule(ctx.facts) });
        if (!u) continue;
        const names = u.packages.map((w) => w.value);
        const packages = names.length > 4 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
        const command = [c.base, ...c.argv.filter((a) => !a.startsWith('-')).slice(0, 1)].join(' ');
        ctx.report({ messageId: u.manager, data: { command, packages, how: HOW[u.manager] }, at: c });
      }
    },
  }),
});
