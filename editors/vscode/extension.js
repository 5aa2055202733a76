// Starts `placet lsp` for policy files and Placet manifests. The server's "placet.explain"
// command (the lens over each placement id) is registered by the client from the server's
// executeCommandProvider; its text goes to the "Placet" output channel.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("placet");
  const command = settings.get("path") || "placet";
  client = new LanguageClient("placet", "Placet", { command, args: ["lsp"] }, {
    documentSelector: [
      { scheme: "file", language: "placet" },
      { scheme: "file", pattern: "**/*.{yaml,yml,json,jsonl,xml}" },
    ],
    initializationOptions: {
      policies: settings.get("policies"),
      inventory: settings.get("inventory"),
      asOf: settings.get("asOf"),
    },
    synchronize: { configurationSection: "placet" },
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
