/**
 * The browser page end to end, in headless Chromium with WebGPU (SwiftShader where there is no GPU):
 * a mistake typed into the editor shows its diagnostic at its line; FC-100 trains for 300 steps on
 * MNIST served by web/serve.ts, and the page shows the loss falling, accuracy far above chance and
 * predictions on test digits; Stop ends a run between steps. Screenshots go to test-artifacts/.
 * `npm run test:web`; needs Debian's chromium (CHROMIUM=path to use another build).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "../../web/build.js";
import { serveWeb, type WebServer } from "../../web/serve.js";

const executablePath = process.env["CHROMIUM"] ?? "/usr/bin/chromium";
const artifacts = join(process.cwd(), "test-artifacts");
const example = "examples/mnist/1-fc100-sigmoid.dnn";

let server: WebServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install chromium (or set CHROMIUM)`);
  const { dir } = await buildWeb();
  server = await serveWeb(dir, 0);
  // Playwright gives every launch a fresh profile directory; the network beyond 127.0.0.1 is never used.
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--enable-unsafe-webgpu",
      "--enable-unsafe-swiftshader",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${server.url}?example=${encodeURIComponent(example)}&epochs=1&limit=3000`);
  await page.waitForFunction(() => !document.getElementById("adapter")!.textContent!.startsWith("looking"));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until the page has finished (or failed) a run; returns the final state. */
async function finished(): Promise<string> {
  await page.waitForFunction(() => ["done", "stopped", "failed"].includes(document.body.dataset["state"]!), null, { timeout: 150_000, polling: 250 });
  return page.evaluate(() => `${document.body.dataset["state"]}: ${document.getElementById("status")!.textContent}`);
}

const percent = (text: string | null) => Number(/([\d.]+)%/.exec(text ?? "")?.[1]) / 100;

describe("the browser page", () => {
  it("opens a WebGPU adapter and shows the example checked, summarised and compiled", async () => {
    expect(await page.textContent("#adapter")).toMatch(/^webgpu: /);
    expect(await page.textContent("#check")).toBe("ok");
    // FC-100's parameters: 784·100 + 100 and 100·10 + 10 (README, docs/language.md).
    expect(await page.textContent("table.summary tfoot")).toContain("79,510");
    expect(await page.locator("#kernel option").count()).toBeGreaterThan(3);
    expect(await page.textContent("#wgsl")).toContain("@compute");
  });

  it("shows a mistake typed into the editor at its line, and blocks training until it is fixed", async () => {
    const original = await page.inputValue("#source");
    const line6 = original.split("\n").slice(0, 5).join("\n").length + 1; // start of line 6, `  flatten`
    await page.focus("#source");
    await page.evaluate((at) => (document.getElementById("source") as HTMLTextAreaElement).setSelectionRange(at, at), line6);
    await page.keyboard.type("  dense 100 relu\n");
    const item = page.locator("#diagnostics li.error").first();
    await item.waitFor({ timeout: 10_000 });
    expect(await item.getAttribute("data-line")).toBe("6");
    expect(await item.getAttribute("data-code")).toBe("E301"); // `dense` receives an image (docs/diagnostics.md)
    expect(await item.textContent()).toContain("dense");
    expect(await page.getAttribute("#gutter .line.error", "data-line")).toBe("6");
    expect(await page.textContent("#marks .diag-error")).toBe("dense 100 relu");
    expect(await page.isDisabled("#train")).toBe(true);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "web-diagnostic.png") });

    await page.keyboard.press("Control+z"); // the textarea's own undo
    if ((await page.inputValue("#source")) !== original) await page.fill("#source", original);
    await page.waitForFunction(() => document.getElementById("check")!.textContent === "ok");
    expect(await page.locator("#diagnostics li").count()).toBe(0);
    expect(await page.isDisabled("#train")).toBe(false);
  });

  it("trains FC-100 for 300 steps on MNIST: the loss falls and accuracy beats chance", async () => {
    await page.click("#train");
    expect(await finished()).toMatch(/^done: finished, test accuracy/);
    const points = await page.$$eval("circle.point", (cs) => cs.map((c) => ({ images: Number(c.dataset["images"]), loss: Number(c.dataset["loss"]), accuracy: Number(c.dataset["accuracy"]) })));
    expect(points.length).toBeGreaterThanOrEqual(3);
    expect(points.at(-1)!.images).toBe(3000); // 300 steps of 10
    // Chance on 10 classes: loss ln 10 ≈ 2.30, accuracy 10%.
    expect(points[0]!.loss).toBeGreaterThan(1.2);
    expect(points.at(-1)!.loss).toBeLessThan(0.75 * points[0]!.loss);
    expect(points.at(-1)!.accuracy).toBeGreaterThan(0.5);
    expect(Number(await page.textContent("#loss-now"))).toBeCloseTo(points.at(-1)!.loss, 3);
    const test = percent(await page.textContent("#test-accuracy"));
    expect(test).toBeGreaterThan(0.5);
    const digits = await page.$$eval("#predictions figure", (fs) => fs.map((f) => f.dataset["predicted"] === f.dataset["label"]));
    expect(digits.length).toBe(48);
    expect(digits.filter(Boolean).length / digits.length).toBeGreaterThan(0.4);
    expect(await page.textContent("#log")).toMatch(/3000 examples, 600 for validation, batch 10, 1 epochs/);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "web-train.png"), fullPage: true });
  });

  it("stops a run between steps when Stop is pressed", async () => {
    await page.fill("#limit", ""); // a whole epoch: 50,000 images, far longer than the test waits
    await page.click("#train");
    await page.waitForSelector("circle.point", { timeout: 60_000 });
    await page.click("#stop");
    // Not "done": the epoch was cut short; the weights so far are evaluated on the test set.
    expect(await finished()).toMatch(/^stopped: stopped, test accuracy/);
    const steps = Number(/stopped in epoch 1\/1 after (\d+) of its 5000 steps/.exec((await page.textContent("#log")) ?? "")?.[1]);
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(5000);
    const test = percent(await page.textContent("#test-accuracy"));
    expect(test).toBeGreaterThanOrEqual(0);
    expect(test).toBeLessThanOrEqual(1);
    expect(await page.isDisabled("#train")).toBe(false);
    expect(problems).toEqual([]);
  });
});
