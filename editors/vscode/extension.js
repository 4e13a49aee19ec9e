// The shipshape extension: starts `shipshape lsp` (Language Server Protocol over stdio) for
// Dockerfiles, and for shell scripts so an entrypoint script gets its findings and fixes too.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

exports.activate = async function activate(context) {
  const config = vscode.workspace.getConfiguration('shipshape');
  const command = config.get('path') || 'shipshape';
  const serverOptions = { command, args: ['lsp', '--stdio'] };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.containerfile,Dockerfile.*,Containerfile.*}' },
      { scheme: 'file', language: 'shellscript' },
    ],
    initializationOptions: { debounceMs: config.get('debounceMs') || 0 },
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/{.shipshape.yaml,.shipshape.yml,.dockerignore}') },
  };
  client = new LanguageClient('shipshape', 'shipshape', serverOptions, clientOptions);
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (e) {
    vscode.window.showErrorMessage(`shipshape: could not start \`${command} lsp\` (${e.message}). Install it with \`npm install -g shipshape\` or set shipshape.path.`);
  }
};

exports.deactivate = function deactivate() {
  return client ? client.stop() : undefined;
};
