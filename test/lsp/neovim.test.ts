/**
 * The language server through a real client: headless Neovim (Debian's `neovim`) starts
 * `shipshape lsp`, opens a Dockerfile, receives the diagnostics, applies a code action's edit and
 * writes the file; the test reads what Neovim wrote. Skipped where nvim is not installed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const present = nvim.status === 0;

// Neovim 0.7's client API: start_client, buf_attach_client, vim.diagnostic, request_sync, apply_workspace_edit.
const LUA = String.raw`
local out = {}
local function finish()
  local f = io.open(vim.env.RESULT, 'w'); f:write(vim.fn.json_encode(out)); f:close()
  vim.cmd('qa!')
end
local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.DOCKERFILE))
  vim.bo.filetype = 'dockerfile'
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = 'shipshape', cmd = { vim.env.NODE, vim.env.CLI, 'lsp', '--stdio' }, root_dir = vim.env.ROOT })
  vim.lsp.buf_attach_client(buf, id)
  out.attached = vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out.diagnostics, { line = d.lnum + 1, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), message = d.message })
  end
  local client = vim.lsp.get_client_by_id(id)
  local target
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if code == 'pid1/shell-form-command' then target = d end
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = target.lnum, character = target.col }, ['end'] = { line = target.end_lnum, character = target.end_col } },
    context = { diagnostics = { target.user_data.lsp } },
  }
  local resp = client.request_sync('textDocument/codeAction', params, 20000, buf)
  out.actions = {}
  for _, a in ipairs(resp.result or {}) do table.insert(out.actions, a.title) end
  for _, a in ipairs(resp.result or {}) do
    if a.kind == 'quickfix' then vim.lsp.util.apply_workspace_edit(a.edit, 'utf-16'); break end
  end
  vim.cmd('write')
  out.cleared = vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == 'pid1/shell-form-command' then return false end
    end
    return true
  end, 50)
end)
if not ok then out.error = tostring(err) end
finish()
`;

describe.skipIf(!present)('shipshape lsp in headless Neovim', () => {
  it('shows the diagnostics of a Dockerfile and applies a code action that Neovim writes to disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-nvim-'));
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, 'FROM node:20\n# the app\nUSER 1000\nCMD node server.js\n');
    const script = join(dir, 'test.lua');
    writeFileSync(script, LUA);
    const result = join(dir, 'result.json');
    const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${script}`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, DOCKERFILE: file, RESULT: result, CLI: cli, NODE: process.execPath, ROOT: dir },
    });
    const out = JSON.parse(readFileSync(result, 'utf8')) as { error?: string; attached: boolean; diagnostics: { line: number; code: string }[]; actions: string[]; cleared: boolean };
    expect(out.error, r.stderr).toBeUndefined();
    expect(out.attached).toBe(true);
    expect(out.diagnostics.map((d) => `${d.line} ${d.code}`)).toContain('4 pid1/shell-form-command');
    expect(out.actions).toContain('Use the exec form (pid1/shell-form-command)');
    expect(readFileSync(file, 'utf8')).toBe('FROM node:20\n# the app\nUSER 1000\nCMD ["node", "server.js"]\n');
    expect(out.cleared).toBe(true);
  }, 120_000);
});
