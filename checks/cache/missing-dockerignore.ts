import { defineCheck } from '../../src/engine/types.js';
import { wholeContextSource } from '../../src/dockerfile/context.js';
import { layersShip } from '../../src/dockerfile/stages.js';

export default defineCheck({
  id: 'cache/missing-dockerignore',
  title: 'A whole-context COPY has a .dockerignore beside it',
  category: 'cache',
  severity: 'warning',
  messages: {
    noDockerignore:
      '{keyword} copies the whole build context and the context has no .dockerignore, so .git, local dependencies and build output are sent to the builder, bust the cache on every change and can end up in the image',
    builderOnly:
      '{keyword} copies the whole build context and the context has no .dockerignore, so .git, local dependencies and build output are sent to the builder and bust the cache of this stage on every change (only files copied out of it reach the image)',
  },
  docs: {
    why: `\`COPY . .\` copies everything in the build context: \`.git\`, \`node_modules\`, virtual
environments, build output, editor files, \`.env\` files with credentials. Any change to any of them
(a commit, a local build) changes the COPY layer, so the cache of every later instruction is lost;
the transfer to the builder grows, and secrets may be baked into the image.

A \`.dockerignore\` beside the Dockerfile keeps those files out of the context. When it is absent,
either add one or copy named files and directories only.

When the whole context is copied only into stages that do not ship (a builder the final stage only
copies files from), nothing of it reaches the image and the cost is the transfer and the cache: that is
reported as information. Builds that need \`.git\` (a version stamped by \`git describe\`) keep it in
the context on purpose; a \`.dockerignore\` can still drop the rest.`,
    bad: `FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "app.py"]
`,
    good: `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py ./
CMD ["python", "app.py"]
`,
    context: { 'requirements.txt': 'flask==3.0.3\n', 'app.py': 'print("hello")\n' },
    related: ['cache/context-copy-before-install'],
  },
  dockerfile: (ctx) => ({
    end() {
      const c = ctx.facts.context;
      if (c.root === null || c.dockerignore !== null) return;
      const copies = ctx.facts.instructions.flatMap((ins) => {
        const at = wholeContextSource(ins);
        return at ? [{ ins, at }] : [];
      });
      const shipped = copies.find(({ ins }) => layersShip(ctx.facts, ins));
      if (shipped) ctx.report({ messageId: 'noDockerignore', data: { keyword: shipped.ins.keyword }, at: shipped.at });
      else if (copies[0]) ctx.report({ messageId: 'builderOnly', severity: 'info', data: { keyword: copies[0].ins.keyword }, at: copies[0].at });
    },
  }),
});
