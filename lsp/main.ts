#!/usr/bin/env node
/** The language server over stdio: `node dist/lsp/main.js` (editors start it with `--stdio`). */
import { createConnection } from "vscode-languageserver/node";
import { startServer } from "./server.js";

startServer(createConnection(process.stdin, process.stdout));
