#!/usr/bin/env bash
# dnnc on a GPU machine: the device-side half of `npm run gpu:kit` (scripts/gpu-kit.ts), copied to
# .gpu-kit/run.sh. Nothing is installed there, so this unpacks the kit's own node, libvulkan and
# bundled dnnc into a temporary folder and runs them against the machine's Vulkan driver.
#
#   bash .gpu-kit/run.sh [bench options]        e.g. --quick, or --models cnn --batches 256
#
# Stages, in this order of importance, each under its own time limit so that a slow or killed one
# leaves the others' results; the limits add up to 9.5 minutes, under the device tool's 10 for one command
# (STAGES="info quick roofline bench profile" is the default; name a subset to run fewer):
#   info      nvidia-smi, the Vulkan driver file, Node; then a 2,000-image dnnc train naming
#             the adapter it opened                                        → $OUT/info.txt, adapter.txt
#   quick     npm run bench -- --quick with ours and tfjs-webgpu (the CNN at batch 64)  → $OUT/quick.txt
#   roofline  the adapter's FMA, GEMM and copy ceilings (bench/roofline.ts)           → $OUT/roofline.txt
#   bench     the full benchmark with peers ours and tfjs-webgpu on the same adapter and
#             time to 99%, or with the options given                                 → $OUT/bench.txt
#   profile   per-kernel profile of fast-adam.dnn at batch 256 against the roofline   → $OUT/profile.txt
# Results go to $OUT (the device tool's folder that comes back), else .gpu-kit/out.
set -uo pipefail

kit="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$kit/out}"
mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/dnnc-gpu-XXXXXX")"
trap 'rm -rf "$work"' EXIT
log() { echo "gpu-run: $*" | tee -a "$out/run.log" >&2; }

log "unpacking $(du -h "$kit/dnnc-gpu.tar.xz" | cut -f1) into $work"
if ! tar -xJf "$kit/dnnc-gpu.tar.xz" -C "$work" 2>>"$out/run.log"; then
  # No xz on the machine: Python's lzma reads the same archive.
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$kit/dnnc-gpu.tar.xz" "$work" || { log "cannot unpack the kit (neither xz nor python3)"; exit 1; }
fi

export LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f "$nvidia_icd" ]; then export VK_DRIVER_FILES="$nvidia_icd"; fi
export DAWNNODE_BACKEND="${DAWNNODE_BACKEND:-vulkan}"
node="$work/bin/node"
cd "$work/app" || exit 1

stages="${STAGES:-info quick roofline bench profile}"
want() { case " $stages " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
# Runs one stage with a time limit; its stdout and stderr go to $OUT/NAME.txt.
stage() {
  local name="$1" limit="$2"
  shift 2
  log "$name (limit ${limit} s)"
  local started=$SECONDS
  timeout "$limit" "$@" >"$out/$name.txt" 2>&1
  local rc=$?
  log "$name: exit $rc after $((SECONDS - started)) s"
}

if want info; then
  {
    echo "date: $(date -u +%FT%TZ)"
    echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-} DAWNNODE_BACKEND=$DAWNNODE_BACKEND"
    if command -v nvidia-smi >/dev/null; then nvidia-smi 2>&1; else echo "(no nvidia-smi)"; fi
    echo "node $("$node" --version), $(nproc) CPUs"
  } >"$out/info.txt" 2>&1
  # The whole path once (device, compile, train, test) on 2,000 images; it prints the adapter it opened.
  stage adapter 60 "$node" cli/main.js train examples/mnist/1-fc100-sigmoid.dnn --limit 2000 --epochs 1 --out "$work/runs-adapter"
fi
want quick && stage quick 120 "$node" bench/run.js --quick --peers ours,tfjs-webgpu
want roofline && stage roofline 60 "$node" bench/roofline.js
want bench && stage bench 270 "$node" bench/run.js --peers ours,tfjs-webgpu --time-to-99-cap 60 "$@"
want profile && stage profile 60 "$node" bench/profile.js examples/mnist/fast-adam.dnn --batch 256 --roofline
log "done; results in $out"
