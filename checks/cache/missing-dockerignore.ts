import { defineCheck } from '../../src/engine/types.js';
import { wholeContextSource } from '../../src/dockerfile/context.js';

export default defineCheck({
  id: 'cache/missing-dockerignore',
  title: 'A whole-context COPY has a .dockerignore beside it',
  category: 'cache',
  severity: 'warning',
  messages: {
    noDockerignore:
      '{keyword} copies the whole build context and the context has no .dockerignore, so .git, local dependencies and build output are sent to the builder, bust the cache on every change and can end up in the image',
  },
  docs: {
    why: `\`COPY . .\` copies everything in the build context: \`.git\`, \`node_modules\`, virtual
environments, build output, editor files, \`.env\` files with credentials. Any change to any of them
(a commit, a local build) changes the COPY layer, so the cache of every later instruction is lost;
the transfer to the builder grows, and secrets may be baked into the image.

A \`.dockerignore\` beside the Dockerfile keeps those files out of the context. When it is absent,
either add one or copy named files and directories only.`,
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
  dockerfile: (ctx) => {
    let done = false;
    return {
      instruction(ins) {
        const c = ctx.facts.context;
        if (done || c.root === null || c.dockerignore !== null) return;
        const at = wholeContextSource(ins);
        if (!at) return;
        done = true;
        ctx.report({ messageId: 'noDockerignore', data: { keyword: ins.keyword }, at });
      },
    };
  },
});
