/** A JSON-RPC client for the language server, started as a real process speaking LSP over stdio. */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import { root } from "./sources.js";

export interface PublishedDiagnostics {
  readonly uri: string;
  readonly diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code?: string; severity?: number; message: string }[];
}

export class LspClient {
  private readonly published: PublishedDiagnostics[] = [];
  private readonly waiters: { uri: string; accept: (p: PublishedDiagnostics) => boolean; resolve: (p: PublishedDiagnostics) => void }[] = [];
  private versions = new Map<string, number>();
  stderr = "";
  /** `window/logMessage` lines of type Error (1): what the server's handlers reported failing. */
  readonly errors: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly rpc: MessageConnection,
  ) {
    rpc.onNotification("textDocument/publishDiagnostics", (p: PublishedDiagnostics) => {
      this.published.push(p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.accept(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    rpc.onNotification("window/logMessage", (p: { type: number; message: string }) => {
      if (p.type === 1) this.errors.push(p.message);
    });
    child.stderr!.on("data", (d) => (this.stderr += String(d)));
  }

  /** Start the server (by default `lsp/main.ts` under tsx; or Node with `args`) and initialize it. */
  static async start(args = ["--import", "tsx", join(root, "lsp/main.ts")]): Promise<{ client: LspClient; capabilities: Record<string, unknown> }> {
    const child = spawn(process.execPath, [...args, "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    const rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    rpc.listen();
    const client = new LspClient(child, rpc);
    const init = (await rpc.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(root).href, capabilities: {} })) as { capabilities: Record<string, unknown> };
    await rpc.sendNotification("initialized", {});
    return { client, capabilities: init.capabilities };
  }

  /** The next diagnostics published for `uri` that `accept` takes (every one, by default). */
  diagnostics(uri: string, accept: (p: PublishedDiagnostics) => boolean = () => true): Promise<PublishedDiagnostics> {
    return new Promise((resolve) => this.waiters.push({ uri, accept, resolve }));
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.rpc.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "dnn", version: 1, text } });
  }

  async replace(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.rpc.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  request<T>(method: string, uri: string, line: number, character: number): Promise<T> {
    return this.rpc.sendRequest(method, { textDocument: { uri }, position: { line, character } }) as Promise<T>;
  }

  async stop(): Promise<void> {
    await this.rpc.sendRequest("shutdown");
    await this.rpc.sendNotification("exit");
    this.rpc.dispose();
    if (this.child.exitCode === null) await new Promise((r) => this.child.once("exit", r));
  }
}

export const uriOf = (relativePath: string) => pathToFileURL(join(root, relativePath)).href;
