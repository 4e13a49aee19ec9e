/** Repository runs' parts: .gitignore patterns, the directory walk, compose and bake files. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gitignoreVerdict, parseGitignore } from '../src/util/glob.js';
import { walkRepository } from '../src/repo/discover.js';
import { readBake, readCompose } from '../src/repo/builds.js';
import { parseHcl, UNKNOWN } from '../src/repo/hcl.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'shipshape-repo-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  return root;
}

describe('.gitignore patterns', () => {
  const rules = parseGitignore('# comment\nbuild/\n*.log\n/top-only\ndocs/**/gen\n!keep.log\n\\#hash\nsub/*.tmp\n');
  const cases: [string, boolean, boolean | null][] = [
    ['build', true, true],
    ['build', false, null],
    ['a/b/build', true, true],
    ['x.log', false, true],
    ['deep/x.log', false, true],
    ['keep.log', false, false],
    ['top-only', false, true],
    ['a/top-only', false, null],
    ['docs/gen', true, true],
    ['docs/a/b/gen', true, true],
    ['#hash', false, true],
    ['sub/a.tmp', false, true],
    ['x/sub/a.tmp', false, null],
    ['Dockerfile', false, null],
  ];
  for (const [path, dir, verdict] of cases) it(`${path}${dir ? '/' : ''} -> ${verdict}`, () => expect(gitignoreVerdict(rules, path, dir)).toBe(verdict));
});

describe('walkRepository', () => {
  it('finds every Dockerfile name, skipping ignored paths, node_modules, vendor and exclusions', () => {
    const root = tree({
      '.gitignore': 'out/\n',
      'Dockerfile': 'FROM a\n',
      'api/Dockerfile': 'FROM a\n',
      'api/Dockerfile.dockerignore': 'x\n',
      'api/Dockerfile.prod': 'FROM a\n',
      'web/app.Dockerfile': 'FROM a\n',
      'web/Containerfile': 'FROM a\n',
      'web/Dockerfile.md': '# notes\n',
      'web/.gitignore': 'local.Dockerfile\n',
      'web/local.Dockerfile': 'FROM a\n',
      'out/Dockerfile': 'FROM a\n',
      'node_modules/x/Dockerfile': 'FROM a\n',
      'vendor/y/Dockerfile': 'FROM a\n',
      'legacy/Dockerfile': 'FROM a\n',
      'compose.yaml': 'services: {}\n',
      'ci/docker-bake.hcl': '',
    });
    const found = walkRepository(root, { excluded: (abs) => abs.startsWith(join(root, 'legacy')) });
    const rel = (l: string[]) => l.map((p) => p.slice(root.length + 1));
    expect(rel(found.dockerfiles)).toEqual(['Dockerfile', 'api/Dockerfile', 'api/Dockerfile.prod', 'web/Containerfile', 'web/app.Dockerfile']);
    expect(rel(found.buildFiles)).toEqual(['ci/docker-bake.hcl', 'compose.yaml']);
  });
});

describe('compose files', () => {
  it('reads build sections: a context string, an object with dockerfile, target and args (map or list), .env variables', () => {
    const root = tree({ '.env': 'TAG=3.20\n' });
    const file = join(root, 'compose.yaml');
    const r = readCompose(file, `services:
  api:
    build:
      context: ./api
      dockerfile: docker/prod.Dockerfile
      target: \${STAGE:-prod}
      args:
        BASE: alpine:\${TAG}
        FROM_ENV:
  worker:
    build: ./worker
  listed:
    build:
      context: .
      args: ["A=1", "B"]
  image-only:
    image: redis:7
  remote:
    build: https://github.com/acme/app.git
  unknown:
    build:
      context: \${NOPE}
`);
    expect(r.decls).toEqual([
      { file, name: 'api', context: join(root, 'api'), dockerfile: join(root, 'api/docker/prod.Dockerfile'), target: 'prod', args: { BASE: 'alpine:3.20' } },
      { file, name: 'worker', context: join(root, 'worker'), dockerfile: join(root, 'worker/Dockerfile'), target: null, args: {} },
      { file, name: 'listed', context: root, dockerfile: join(root, 'Dockerfile'), target: null, args: { A: '1' } },
    ]);
    expect(r.problems).toEqual([expect.stringMatching(/service unknown: its build section uses a variable that has no value here/)]);
  });

  it('says when the file is not YAML', () => {
    expect(readCompose('compose.yaml', 'services: [\n').problems[0]).toMatch(/^compose\.yaml: not valid YAML/);
  });
});

describe('bake files', () => {
  it('parses the HCL bake files use: blocks, variables, interpolation, lists, objects, heredocs, comments; expressions are UNKNOWN', () => {
    const { blocks, error } = parseHcl(`# comment
// another
/* block
comment */
variable "TAG" { default = "1.2" }
target "a" {
  tags = ["app:\${TAG}", "app:latest"]
  args = {
    X = "1"
    Y: 2,
  }
  labels = { "org.opencontainers.image.title" = "a" }
  note = <<EOT
two
lines
EOT
  cond = TAG == "" ? "x" : "y"
  fn = notequal("", TAG)
  esc = "$\${NOT}"
}
`);
    expect(error).toBeNull();
    expect(blocks[1]).toEqual({
      type: 'target',
      labels: ['a'],
      attributes: { tags: ['app:1.2', 'app:latest'], args: { X: '1', Y: 2 }, labels: { 'org.opencontainers.image.title': 'a' }, note: 'two\nlines\n', cond: UNKNOWN, fn: UNKNOWN, esc: '${NOT}' },
    });
    expect(parseHcl('target "a" {\n').error).toMatch(/not closed/);
  });

  it('reads targets with inherits merged, groups, and skips templates and matrix targets', () => {
    const root = tree({});
    const file = join(root, 'docker-bake.hcl');
    const r = readBake(file, `variable "NODE" { default = "22" }
group "default" { targets = ["api", "web"] }
target "_common" {
  args = { NODE_VERSION = "\${NODE}", COMMON = "1" }
}
target "api" {
  inherits = ["_common"]
  context = "services/api"
  target = "prod"
  args = { COMMON = "2" }
}
target "web" {
  context = "services/web"
  dockerfile = "web.Dockerfile"
}
target "many" {
  matrix = { v = ["1", "2"] }
  name = "many-\${v}"
}
`);
    expect(r.decls).toEqual([
      { file, name: 'api', context: join(root, 'services/api'), dockerfile: join(root, 'services/api/Dockerfile'), target: 'prod', args: { NODE_VERSION: '22', COMMON: '2' } },
      { file, name: 'web', context: join(root, 'services/web'), dockerfile: join(root, 'services/web/web.Dockerfile'), target: null, args: {} },
    ]);
    expect(r.problems).toEqual([expect.stringMatching(/target many: a matrix target/)]);
  });

  it('reads the JSON form', () => {
    const r = readBake('/r/docker-bake.json', JSON.stringify({ target: { app: { context: 'app', args: { A: 'b' } } } }));
    expect(r.decls).toEqual([{ file: '/r/docker-bake.json', name: 'app', context: '/r/app', dockerfile: '/r/app/Dockerfile', target: null, args: { A: 'b' } }]);
  });
});
