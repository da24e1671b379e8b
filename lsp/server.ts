/** The language server: diagnostics as you type, hover, completion, go to definition, formatting. */
import { TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyze, type Analysis } from "./analysis.js";
import { complete } from "./completion.js";
import { definition } from "./definition.js";
import { toLspDiagnostics } from "./diagnostics.js";
import { formatEdits } from "./format.js";
import { overlayHost, uriToPath } from "./host.js";
import { hover } from "./hover.js";

export const capabilities: InitializeResult["capabilities"] = {
  textDocumentSync: TextDocumentSyncKind.Incremental,
  hoverProvider: true,
  completionProvider: { triggerCharacters: [" "] },
  definitionProvider: true,
  documentFormattingProvider: true,
};

/** Serve `connection` until it closes. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const openText = (path: string) => documents.all().find((d) => uriToPath(d.uri) === path)?.getText();
  const host = overlayHost(openText);
  const cache = new Map<string, { version: number; analysis: Analysis }>();

  const analysisOf = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const hit = cache.get(uri);
    if (hit && hit.version === doc.version) return hit.analysis;
    const analysis = analyze(uriToPath(uri), doc.getText(), host);
    cache.set(uri, { version: doc.version, analysis });
    return analysis;
  };

  /** A handler that fails answers nothing and logs one line, instead of taking the server down. */
  const guarded =
    <P, R>(what: string, f: (p: P) => R) =>
    (p: P): R | undefined => {
      try {
        return f(p);
      } catch (e) {
        connection.console.error(`dnnc: ${what} failed: ${(e as Error).message}`);
        return undefined;
      }
    };

  const publish = guarded("checking", (uri: string) => {
    const a = analysisOf(uri);
    if (a) void connection.sendDiagnostics({ uri, version: documents.get(uri)?.version, diagnostics: toLspDiagnostics(a.path, a.diagnostics, a.sources) });
  });

  connection.onInitialize(() => ({ capabilities, serverInfo: { name: "dnnc" } }));
  // An edit can change what other open files import, so all of them are checked again.
  documents.onDidChangeContent((e) => {
    cache.delete(e.document.uri);
    for (const d of documents.all()) {
      if (d.uri !== e.document.uri) cache.delete(d.uri);
      publish(d.uri);
    }
  });
  documents.onDidClose((e) => {
    cache.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const at = <T>(uri: string, position: { line: number; character: number }, f: (a: Analysis, offset: number) => T): T | undefined => {
    const a = analysisOf(uri);
    return a ? f(a, a.index.offset(position)) : undefined;
  };
  connection.onHover(guarded("hover", (p) => at(p.textDocument.uri, p.position, hover) ?? null));
  connection.onCompletion(guarded("completion", (p) => at(p.textDocument.uri, p.position, complete) ?? []));
  connection.onDefinition(guarded("go to definition", (p) => at(p.textDocument.uri, p.position, definition) ?? null));
  connection.onDocumentFormatting(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    try {
      return await formatEdits(doc.getText(), uriToPath(doc.uri));
    } catch (e) {
      connection.console.error(`dnnc: formatting failed: ${(e as Error).message}`);
      return null;
    }
  });

  documents.listen(connection);
  connection.listen();
}
