/**
 * Runs one peer in its own child process, so that a crash, a hung device or a leaked GPU in one
 * peer cannot take the others down, and so that peak memory is per peer. The child's stderr (Dawn's
 * warnings, tfjs's banner) is kept only to explain a failure.
 */
import { spawn } from "node:child_process";
import { entryArgs } from "./entry.js";
import { findTorchPython, torchCommand } from "./peers/torch.js";
import { type PeerRequest, type PeerResult, parseResultLine } from "./protocol.js";

let torchPython: string | null | undefined;

/** How to start the child for `req`, or why it cannot run here. */
function commandFor(req: PeerRequest): { command: string; args: string[] } | string {
  if (req.peer === "torch-cpu") {
    if (torchPython === undefined) torchPython = findTorchPython() ?? null;
    if (torchPython === null) return "no python3 with torch here (apt-get install -y python3-torch)";
    return torchCommand(torchPython, req);
  }
  const file = req.peer === "ours" ? "bench/ours.ts" : "bench/peers/tfjs.ts";
  return { command: process.execPath, args: [...entryArgs(file), JSON.stringify(req)] };
}

/** Is a torch peer possible here (checked once)? */
export function torchAvailable(): boolean {
  if (torchPython === undefined) torchPython = findTorchPython() ?? null;
  return torchPython !== null;
}

/** The child's last stderr line worth showing. */
function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("at "));
  return lines.at(-1) ?? "no output";
}

/** Runs a child command and reads its JSON result line; a timeout or crash becomes a failure. */
export function runChild(command: string, args: readonly string[], timeoutSeconds: number): Promise<{ stdout: string; failure?: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr = (stderr + String(d)).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutSeconds * 1000);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ stdout, failure: e.message });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") resolve({ stdout, failure: `stopped after ${timeoutSeconds} s` });
      else if (code !== 0) resolve({ stdout, failure: `exited with ${code}: ${lastLine(stderr)}` });
      else resolve({ stdout });
    });
  });
}

/** Runs one peer to completion (or its timeout). */
export async function runPeer(req: PeerRequest, timeoutSeconds: number): Promise<PeerResult> {
  const fail = (error: string): PeerResult => ({ ok: false, peer: req.peer, model: req.model, batch: req.batch, error });
  const cmd = commandFor(req);
  if (typeof cmd === "string") return fail(cmd);
  const r = await runChild(cmd.command, cmd.args, timeoutSeconds);
  return parseResultLine(r.stdout) ?? fail(r.failure ?? "the peer printed no result");
}
