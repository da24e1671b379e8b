/** Running the real CLI in a child process, as a user would (through tsx, no build needed). */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root: the CLI runs here so that paths like `examples/…` resolve. */
export const root = fileURLToPath(new URL("../../", import.meta.url));

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `dnnc ARGS…` → exit code and output; never rejects. */
export function dnnc(args: readonly string[], cwd = root): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("../../cli/main.ts", import.meta.url)), ...args],
      { cwd, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", DNNC_DEBUG: "" }, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 99) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
