import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchDataset, fetchIdxPair } from "../../runtime/data/fetch.js";
import { DatasetNotFoundError } from "../../runtime/errors.js";
import { datasetDirectory, loadDataset } from "../../runtime/node/datasets.js";
import { serveWeb, type WebServer } from "../../web/serve.js";

const dist = mkdtempSync(join(tmpdir(), "dnnc-web-"));
writeFileSync(join(dist, "index.html"), "<!doctype html><title>t</title>");
let server: WebServer;

beforeAll(async () => {
  server = await serveWeb(dist, 0);
});
afterAll(() => server.close());

describe("web/serve.ts", () => {
  it("serves the page and the MNIST files, and nothing else", async () => {
    const page = await fetch(server.url);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain("<title>t</title>");
    const labels = await fetch(`${server.url}data/mnist/t10k-labels-idx1-ubyte`);
    expect(labels.status).toBe(200);
    const onDisk = readFileSync(join(datasetDirectory("mnist"), "t10k-labels-idx1-ubyte"));
    expect(Buffer.from(await labels.arrayBuffer()).equals(onDisk)).toBe(true);
    for (const path of ["data/mnist/package.json", "data/mnist/..%2F..%2Fpackage.json", "data/cifar/x", "..%2Fpackage.json", ".hidden", "data/mnist/%E0%A4%A"]) {
      expect((await fetch(server.url + path)).status, path).toBe(404);
    }
  });

  it("lets the runtime fetch MNIST's test set exactly as the Node loader reads it from disk", async () => {
    const fetched = await fetchDataset(`${server.url}data`, "mnist", "test");
    const read = loadDataset("mnist", "test");
    expect(fetched.count).toBe(10_000);
    expect(fetched.shape).toEqual(read.shape);
    expect(Buffer.from(fetched.labels).equals(Buffer.from(read.labels))).toBe(true);
    expect(Buffer.from(fetched.images.buffer).equals(Buffer.from(read.images.buffer))).toBe(true);
    await expect(fetchDataset(`${server.url}nowhere`, "mnist", "test")).rejects.toThrow(DatasetNotFoundError);
  });
});

describe("fetching IDX files", () => {
  it("gunzips compressed files (Fashion-MNIST is served gzipped)", async () => {
    // A 2-image 2×3 IDX set: u8 pixels scaled by 1/255, labels as they are.
    const images = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 0]);
    const labels = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);
    const files: Record<string, Uint8Array> = { "/i.gz": gzipSync(images), "/l": labels };
    const http = createServer((req, res) => res.end(files[req.url ?? ""]));
    await new Promise<void>((done) => http.listen(0, "127.0.0.1", done));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const set = await fetchIdxPair(`${base}/i.gz`, `${base}/l`);
      expect(set.shape).toEqual({ channels: 1, height: 2, width: 3 });
      expect([...set.labels]).toEqual([7, 3]);
      expect([...set.images].map((v) => Math.round(v * 255))).toEqual([0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 0]);
    } finally {
      http.close();
    }
  });
});

