/** Running `dnnc` for the training tests: with extra environment, or as a process to kill. */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { root, type Run } from "./run.js";

const main = fileURLToPath(new URL("../../cli/main.ts", import.meta.url));
const env = (extra: Record<string, string>) => ({ ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", DNNC_DEBUG: "", ...extra });

/** `dnnc ARGS…` with extra environment variables → exit code and output; never rejects. */
export function dnncEnv(args: readonly string[], extra: Record<string, string> = {}, timeout = 80_000): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", main, ...args], { cwd: root, env: env(extra), timeout }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 99) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** Starts `dnnc ARGS…` as a child process (its output is collected on `output`). */
export function startDnnc(args: readonly string[]): { child: ChildProcess; output: { text: string }; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", main, ...args], { cwd: root, env: env({}), stdio: ["ignore", "pipe", "pipe"] });
  const output = { text: "" };
  child.stdout!.on("data", (d: Buffer) => (output.text += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output.text += d.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return { child, output, exited };
}
