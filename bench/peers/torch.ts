/**
 * Peer "torch-cpu": runs bench/peers/torch_peer.py (not torch.py: Python puts the script's folder first on sys.path, so that name would shadow the torch package) with a Python that can `import torch`, or reports
 * that there is none. BENCH_PYTHON names the interpreter; otherwise `python3` on the PATH, then
 * /usr/bin/python3 (Debian's python3-torch lives there when a pyenv python3 shadows it).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { datasetDirectory } from "../../runtime/node/datasets.js";
import { modelById } from "../models.js";
import type { PeerRequest } from "../protocol.js";

/** The first interpreter that imports torch, or undefined. */
export function findTorchPython(): string | undefined {
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ["python3", "/usr/bin/python3"];
  return candidates.find((py) => spawnSync(py, ["-c", "import torch, numpy"], { stdio: "ignore", timeout: 60_000 }).status === 0);
}

/** The command line that runs the torch peer for `req`. */
export function torchCommand(python: string, req: PeerRequest): { command: string; args: string[] } {
  const m = modelById(req.model);
  const script = fileURLToPath(new URL("./torch_peer.py", import.meta.url));
  return { command: python, args: [script, JSON.stringify({ ...req, layers: m.layers, lr: m.lr }), datasetDirectory("mnist")] };
}
