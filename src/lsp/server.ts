/**
 * `shipshape lsp`: a Language Server Protocol server over stdio, on the protocol libraries of the
 * ecosystem (vscode-languageserver, vscode-languageserver-textdocument). Open Dockerfiles are
 * analyzed on open and on change (a burst of changes is coalesced into one analysis, and changes
 * that arrive while one runs into the next), with the same analysis, config and fixes as the CLI.
 *
 * - diagnostics: pushed (`publishDiagnostics`), or pulled (LSP 3.17 `textDocument/diagnostic`) by
 *   clients that say they pull; findings in an entrypoint script go to the script's own URI;
 * - code actions: each finding's fix, and "fix all safe problems in this file" (`source.fixAll`);
 * - hover on a finding: the rule's title, why, and a link to its page;
 * - completion after `# shipshape ignore=`: the ids found on the instruction below (the whole file
 *   for `global ignore=`);
 * - `.shipshape.yaml` and `.dockerignore` changes (in the editor or on disk), workspace folders and
 *   an open entrypoint script re-analyze the open Dockerfiles they concern.
 */
import { dirname, basename, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  DiagnosticSeverity,
  DocumentDiagnosticReportKind,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  createConnection,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDockerfile, checks as allChecks, configLoader, grammarFailure } from '../analyze.js';
import { directoryReader, type ContextReader } from '../dockerfile/context.js';
import { ShellCache } from '../dockerfile/parse.js';
import type { Finding, Fix, Severity } from '../engine/types.js';
import { checkIdOf } from '../engine/names.js';
import { fixFiles, fixKinds } from '../fix/loop.js';
import { helpUriOf, RULE_DOCS_BASE } from '../report/sarif.js';

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };
const CONFIG_FILES = new Set(['.shipshape.yaml', '.shipshape.yml', '.dockerignore']);

/** A document is a Dockerfile by its language id or its name (`Dockerfile`, `api.Dockerfile`, `Containerfile`, `Dockerfile.dev`). */
export function isDockerfile(uri: string, languageId: string): boolean {
  if (languageId === 'dockerfile') return true;
  const name = basename(uri).toLowerCase();
  return /^(docker|container)file([.-].*)?$/.test(name) || name.endsWith('.dockerfile') || name.endsWith('.containerfile');
}

function pathOf(uri: string): string | null {
  return uri.startsWith('file:') ? fileURLToPath(uri) : null;
}

/** What the last analysis of a Dockerfile found: its findings with the text they were computed on, and the scripts it read. */
interface Analysis {
  version: number;
  text: string;
  findings: Finding[];
  /** Absolute paths of the build-context scripts the analysis read (entrypoint scripts). */
  scripts: Set<string>;
  contextDir: string | null;
}

export interface ServerOptions {
  /** The connection (stdio when omitted). */
  connection?: Connection;
}

/** Starts the server on `connection` (stdio by default) and returns it. */
export function startServer(options: ServerOptions = {}): Connection {
  const connection = options.connection ?? createConnection(process.stdin, process.stdout);
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();
  /** Per open Dockerfile: its parsed shell bodies, so an edit re-parses only the instructions it touched. */
  const shellCaches = new Map<string, ShellCache>();
  /** Dockerfile URIs whose analysis is due, and the timer that will run them. */
  const due = new Set<string>();
  let scheduled: NodeJS.Immediate | NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let debounceMs = 0;
  let pull = false;
  let watch = false;
  let refresh = false;
  let folders: string[] = [];
  let loader: ReturnType<typeof configLoader> | null = null;

  const config = (): ReturnType<typeof configLoader> => (loader ??= configLoader({}));

  /** A reader of the build context that sees the texts of open documents before the disk. */
  const contextReader = (dir: string): ContextReader => {
    const disk = directoryReader(dir);
    return {
      root: disk.root,
      read(rel) {
        const full = resolve(disk.root, rel);
        if (full !== disk.root && !full.startsWith(disk.root + sep)) return null;
        const open = documents.get(pathToFileURL(full).href);
        return open ? open.getText() : disk.read(rel);
      },
      exists(rel) {
        const full = resolve(disk.root, rel);
        if (full !== disk.root && !full.startsWith(disk.root + sep)) return false;
        return documents.get(pathToFileURL(full).href) !== undefined || disk.exists(rel);
      },
      list: (rel) => disk.list(rel),
    };
  };

  async function analyze(uri: string): Promise<Analysis | null> {
    const doc = documents.get(uri);
    if (!doc || !isDockerfile(uri, doc.languageId)) return null;
    const cached = analyses.get(uri);
    if (cached && cached.version === doc.version) return cached;
    const path = pathOf(uri);
    const text = doc.getText();
    let setup: Awaited<ReturnType<Awaited<ReturnType<typeof configLoader>>>>;
    try {
      setup = await (await config())(path);
    } catch (e) {
      // A broken .shipshape.yaml: said once, and the file analyzed with the defaults meanwhile.
      // As a notification: window/showMessageRequest would wait for an answer, and reject (an unhandled rejection ends the server) when the client has none.
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `shipshape: ${(e as Error).message}` });
      const defaults = async (): Promise<typeof setup> => ({ checks: [...allChecks], ignore: [], shellcheck: null, severity: undefined, findingSeverity: undefined, settings: {}, failOn: 'warning', target: undefined, config: null, baseline: null, notes: [], images: [] });
      loader = Promise.resolve(defaults);
      setup = await defaults();
    }
    const contextDir = path ? dirname(path) : null;
    const failedBefore = grammarFailure()?.count ?? 0;
    const { facts, findings } = await analyzeDockerfile(text, {
      path: path ? relative(process.cwd(), path) || path : uri,
      checks: setup.checks,
      ignore: setup.ignore,
      settings: setup.settings,
      // ShellCheck as the CLI runs it (the config's shellcheck, else when it is on the PATH): one process per analysis.
      shellcheck: setup.shellcheck,
      ...(setup.severity ? { severity: setup.severity } : {}),
      ...(setup.findingSeverity ? { findingSeverity: setup.findingSeverity } : {}),
      ...(setup.target !== undefined ? { target: setup.target } : {}),
      ...(contextDir ? { reader: contextReader(contextDir) } : {}),
      shellCache: shellCaches.get(uri) ?? shellCaches.set(uri, new ShellCache()).get(uri)!,
    });
    // A trapped shell grammar is not called again in this process (src/shell/shell.ts): said once, with what to do.
    const grammar = grammarFailure();
    if (grammar && grammar.count > failedBefore && failedBefore === 0) {
      // A notification (window/showMessage), not a request: nothing waits for the client's answer.
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `shipshape: the shell grammar (tree-sitter-bash) failed on a shell body of ${basename(path ?? uri)} (${grammar.message}); RUN bodies and scripts are not read until the language server restarts` });
    }
    const scripts = new Set(contextDir ? facts.context.scripts.map((s) => resolve(contextDir, s.path)) : []);
    const a: Analysis = { version: doc.version, text, findings, scripts, contextDir };
    analyses.set(uri, a);
    return a;
  }

  const toRange = (r: { line: number; column: number; endLine: number; endColumn: number }) => ({
    start: { line: r.line - 1, character: r.column - 1 },
    end: { line: r.endLine - 1, character: r.endColumn - 1 },
  });

  function diagnostic(f: Finding): Diagnostic {
    const range = f.location.kind === 'image' ? toRange({ line: 1, column: 1, endLine: 1, endColumn: 1 }) : toRange(f.location.range);
    return {
      range,
      severity: SEVERITY[f.severity],
      source: 'shipshape',
      code: f.rule,
      codeDescription: { href: helpUriOf(f) },
      message: f.message,
      data: { fixable: f.fix?.kind ?? 'none' },
    };
  }

  /** Diagnostics by URI for one analysis: the Dockerfile's own, and each entrypoint script's. */
  function diagnosticsOf(uri: string, a: Analysis): Map<string, Diagnostic[]> {
    const out = new Map<string, Diagnostic[]>([[uri, []]]);
    for (const s of a.scripts) out.set(pathToFileURL(s).href, []);
    for (const f of a.findings) {
      const target = f.location.kind === 'file' && a.contextDir ? pathToFileURL(resolve(a.contextDir, f.location.file)).href : uri;
      out.set(target, [...(out.get(target) ?? []), diagnostic(f)]);
    }
    return out;
  }

  /** Diagnostics for a document: a Dockerfile's own, or a script's from every open Dockerfile that runs it. */
  async function diagnosticsFor(uri: string): Promise<Diagnostic[]> {
    const a = await analyze(uri);
    if (a) return diagnosticsOf(uri, a).get(uri) ?? [];
    const path = pathOf(uri);
    const out: Diagnostic[] = [];
    for (const [df] of analyses) {
      const b = await analyze(df);
      if (b && path && b.scripts.has(path)) out.push(...(diagnosticsOf(df, b).get(uri) ?? []));
    }
    return out;
  }

  async function publish(uri: string): Promise<void> {
    const a = await analyze(uri);
    if (!a) return;
    const doc = documents.get(uri);
    for (const [target, diags] of diagnosticsOf(uri, a)) {
      if (pull && target === uri) continue;
      if (target !== uri && !documents.get(target)) continue;
      await connection.sendDiagnostics({ uri: target, ...(target === uri && doc ? { version: doc.version } : {}), diagnostics: diags });
    }
  }

  async function flush(): Promise<void> {
    scheduled = null;
    while (due.size > 0) {
      const batch = [...due];
      due.clear();
      for (const uri of batch) {
        try {
          if (pull) {
            await analyze(uri);
            for (const [target] of diagnosticsOf(uri, analyses.get(uri)!)) if (target !== uri && documents.get(target)) await publish(uri);
          } else await publish(uri);
        } catch (e) {
          connection.console.error(`shipshape: ${uri}: ${(e as Error).stack ?? String(e)}`);
        }
      }
    }
    // A pulling client asks again for what a config, .dockerignore or script change made stale.
    if (pull && refresh) {
      refresh = false;
      connection.languages.diagnostics.refresh();
    }
  }

  /** Asks for an analysis of these Dockerfiles; changes that come in while one runs are coalesced into the next. */
  function schedule(uris: Iterable<string>): void {
    for (const u of uris) due.add(u);
    if (scheduled || due.size === 0) return;
    const run = (): void => {
      running = (running ?? Promise.resolve()).then(flush).finally(() => {
        running = null;
      });
    };
    scheduled = debounceMs > 0 ? setTimeout(run, debounceMs) : setImmediate(run);
  }

  const openDockerfiles = (): string[] => documents.all().filter((d) => isDockerfile(d.uri, d.languageId)).map((d) => d.uri);

  /** A change to a config, .dockerignore or script file: which open Dockerfiles it concerns. */
  function affected(path: string): string[] {
    const name = basename(path);
    if (CONFIG_FILES.has(name)) {
      if (name !== '.dockerignore') loader = null;
      const dir = dirname(path);
      return openDockerfiles().filter((u) => {
        const p = pathOf(u);
        return p !== null && (p.startsWith(dir + sep) || dirname(p) === dir);
      });
    }
    return [...analyses].filter(([, a]) => a.scripts.has(path)).map(([u]) => u);
  }

  const invalidate = (uris: string[]): string[] => {
    if (uris.length) refresh = true;
    for (const u of uris) analyses.delete(u);
    return uris;
  };

  connection.onInitialize((params): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as { debounceMs?: number };
    if (typeof opts.debounceMs === 'number' && opts.debounceMs >= 0) debounceMs = opts.debounceMs;
    pull = Boolean(params.capabilities.textDocument?.diagnostic);
    watch = Boolean(params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration);
    folders = (params.workspaceFolders ?? []).map((f) => pathOf(f.uri)).filter((p): p is string => p !== null);
    if (folders.length === 0 && params.rootUri) {
      const p = pathOf(params.rootUri);
      if (p) folders = [p];
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['=', ','] },
        ...(pull ? { diagnosticProvider: { identifier: 'shipshape', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'shipshape' },
    };
  });

  connection.onInitialized(() => {
    // Config and .dockerignore files changed outside the editor (a checkout, a save elsewhere).
    if (watch) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/.shipshape.{yaml,yml}' }, { globPattern: '**/.dockerignore' }] }).catch(() => undefined);
    if (folders.length) {
      void connection.workspace.onDidChangeWorkspaceFolders((e) => {
        folders = folders.filter((f) => !e.removed.some((r) => pathOf(r.uri) === f)).concat(e.added.map((a) => pathOf(a.uri)).filter((p): p is string => p !== null));
        loader = null;
        schedule(invalidate(openDockerfiles()));
      });
    }
  });

  connection.onDidChangeWatchedFiles((e) => {
    const uris = new Set<string>();
    for (const c of e.changes) {
      const p = pathOf(c.uri);
      if (p) for (const u of affected(p)) uris.add(u);
    }
    schedule(invalidate([...uris]));
  });

  documents.onDidOpen((e) => {
    if (isDockerfile(e.document.uri, e.document.languageId)) schedule([e.document.uri]);
    else onOther(e.document.uri);
  });
  documents.onDidChangeContent((e) => {
    if (isDockerfile(e.document.uri, e.document.languageId)) schedule([e.document.uri]);
    else onOther(e.document.uri);
  });
  documents.onDidClose((e) => {
    analyses.delete(e.document.uri);
    shellCaches.delete(e.document.uri);
    due.delete(e.document.uri);
    if (!pull) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    const p = pathOf(e.document.uri);
    // A script or config edited in the editor and closed unsaved: the disk's text counts again.
    if (p) schedule(invalidate(affected(p)));
  });
  /** An open non-Dockerfile: a config file, a .dockerignore or an entrypoint script a Dockerfile runs. */
  function onOther(uri: string): void {
    const p = pathOf(uri);
    if (p) schedule(invalidate(affected(p)));
  }

  connection.languages.diagnostics.on(async (params) => ({ kind: DocumentDiagnosticReportKind.Full, items: await diagnosticsFor(params.textDocument.uri) }));

  /** LSP text edits of a fix, by URI. */
  function workspaceEdit(uri: string, a: Analysis, fixes: readonly Fix[]): WorkspaceEdit {
    const changes: Record<string, LspTextEdit[]> = {};
    for (const fix of fixes) {
      for (const e of fix.edits) {
        const target = e.file === undefined ? uri : a.contextDir ? pathToFileURL(resolve(a.contextDir, e.file)).href : null;
        if (!target) continue;
        (changes[target] ??= []).push({ range: toRange(e.range), newText: e.text });
      }
    }
    return { changes };
  }

  /** The finding a diagnostic stands for, in a Dockerfile's analysis or a script's. */
  async function findingsAt(uri: string): Promise<{ dockerfile: string; analysis: Analysis; findings: Finding[] }[]> {
    const own = await analyze(uri);
    if (own) return [{ dockerfile: uri, analysis: own, findings: own.findings.filter((f) => f.location.kind === 'dockerfile') }];
    const p = pathOf(uri);
    const out: { dockerfile: string; analysis: Analysis; findings: Finding[] }[] = [];
    for (const [df] of analyses) {
      const b = await analyze(df);
      if (!b || !p || !b.scripts.has(p) || !b.contextDir) continue;
      out.push({ dockerfile: df, analysis: b, findings: b.findings.filter((f) => f.location.kind === 'file' && resolve(b.contextDir!, f.location.file) === p) });
    }
    return out;
  }

  const overlaps = (r: { line: number; column: number; endLine: number; endColumn: number }, s: { start: { line: number; character: number }; end: { line: number; character: number } }): boolean => {
    const a = toRange(r);
    const before = (x: { line: number; character: number }, y: { line: number; character: number }) => x.line < y.line || (x.line === y.line && x.character < y.character);
    return !before(a.end, s.start) && !before(s.end, a.start);
  };

  connection.onCodeAction(async (params) => {
    const actions: CodeAction[] = [];
    const only = params.context.only;
    const wantQuick = !only || only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k));
    const wantAll = !only || only.some((k) => CodeActionKind.SourceFixAll.startsWith(k) || k.startsWith(CodeActionKind.SourceFixAll));
    for (const { dockerfile, analysis, findings } of await findingsAt(params.textDocument.uri)) {
      if (wantQuick) {
        for (const f of findings) {
          if (!f.fix || f.location.kind === 'image' || !overlaps(f.location.range, params.range)) continue;
          const diag = diagnostic(f);
          actions.push({
            title: `${f.fix.title}${f.fix.kind === 'suggested' ? ' (changes behaviour)' : ''} (${f.rule})`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diag],
            isPreferred: f.fix.kind === 'safe',
            edit: workspaceEdit(dockerfile, analysis, [f.fix]),
          });
        }
      }
      if (wantAll && dockerfile === params.textDocument.uri && analysis.findings.some((f) => f.fix?.kind === 'safe')) {
        const edit = await fixAll(dockerfile, analysis);
        if (edit) actions.push({ title: 'Fix all safe problems in this file (shipshape)', kind: `${CodeActionKind.SourceFixAll}.shipshape`, edit });
      }
    }
    return actions;
  });

  /** Every safe fix of a Dockerfile, through the same passes as `--fix`, as one minimal edit per changed file. */
  async function fixAll(uri: string, a: Analysis): Promise<WorkspaceEdit | null> {
    const path = pathOf(uri);
    const setup = await (await config())(path);
    const reader = a.contextDir ? contextReader(a.contextDir) : null;
    const lint = async (files: ReadonlyMap<string, string>): Promise<Finding[]> => {
      const overlay: ContextReader | undefined = reader ? { root: reader.root, read: (p) => files.get(posix.normalize(p).replace(/^\.\//, '')) ?? reader.read(p), exists: (p) => files.has(posix.normalize(p).replace(/^\.\//, '')) || reader.exists(p), list: (p) => reader.list(p) } : undefined;
      return (await analyzeDockerfile(files.get('')!, { path: path ?? uri, checks: setup.checks, settings: setup.settings, ...(setup.severity ? { severity: setup.severity } : {}), ...(overlay ? { reader: overlay } : {}) })).findings;
    };
    const r = await fixFiles(new Map([['', a.text]]), lint, fixKinds(false), a.findings, (f) => reader?.read(f) ?? null);
    const changes: Record<string, LspTextEdit[]> = {};
    for (const [key, after] of r.files) {
      const before = key === '' ? a.text : (reader?.read(key) ?? null);
      if (before === null || before === after) continue;
      const target = key === '' ? uri : pathToFileURL(join(a.contextDir!, key)).href;
      changes[target] = [minimalEdit(before, after)];
    }
    return Object.keys(changes).length ? { changes } : null;
  }

  connection.onHover(async (params) => {
    const pos = params.position;
    for (const { findings } of await findingsAt(params.textDocument.uri)) {
      for (const f of findings) {
        if (f.location.kind === 'image') continue;
        const r = toRange(f.location.range);
        const inside = (pos.line > r.start.line || (pos.line === r.start.line && pos.character >= r.start.character)) && (pos.line < r.end.line || (pos.line === r.end.line && pos.character <= r.end.character));
        if (!inside) continue;
        const check = allChecks.find((c) => c.id === checkIdOf(f));
        const lines = [`**${f.rule}** (${f.severity}): ${check?.title ?? ''}`, '', check?.docs.why.trim() ?? '', ''];
        if (f.fix) lines.push(`Fix (${f.fix.kind}): ${f.fix.title}${f.fix.kind === 'safe' ? ' — `shipshape --fix`' : ' — `shipshape --fix-unsafe`'}`, '');
        // A shellcheck/SC2086 finding: ShellCheck's page for the code, and the check's own page.
        lines.push(`[${f.rule}](${helpUriOf(f)})${f.check ? ` · [${f.check}](${RULE_DOCS_BASE}${f.check}.md)` : ''}`);
        return { contents: { kind: 'markdown', value: lines.join('\n') }, range: r };
      }
    }
    return null;
  });

  connection.onCompletion(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const line = doc.getText({ start: { line: params.position.line, character: 0 }, end: params.position });
    const m = /#\s*shipshape\s+(global\s+)?ignore=([\w/,.-]*)$/.exec(line);
    if (!m) return [];
    const a = await analyze(params.textDocument.uri);
    if (!a) return [];
    const typed = new Set((m[2] ?? '').split(',').filter(Boolean));
    // The instruction the ignore applies to: the first line below that is not a comment or blank.
    let target = params.position.line + 1;
    const lines = a.text.split('\n');
    while (target < lines.length && /^\s*(#.*)?$/.test(lines[target] ?? '')) target++;
    const ids = new Map<string, string>();
    for (const f of a.findings) {
      if (f.location.kind !== 'dockerfile' || typed.has(f.rule)) continue;
      const r = f.location.range;
      if (m[1] || (r.line - 1 <= target && r.endLine - 1 >= target)) ids.set(f.rule, f.message);
    }
    return [...ids].map(([id, message]) => ({ label: id, detail: message, kind: 18 /* Reference */ }));
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** One edit replacing only the span where two texts differ. */
export function minimalEdit(before: string, after: string): LspTextEdit {
  let s = 0;
  while (s < before.length && s < after.length && before[s] === after[s]) s++;
  let e = 0;
  while (e < before.length - s && e < after.length - s && before[before.length - 1 - e] === after[after.length - 1 - e]) e++;
  const doc = TextDocument.create('x', 'x', 0, before);
  return { range: { start: doc.positionAt(s), end: doc.positionAt(before.length - e) }, newText: after.slice(s, after.length - e) };
}
