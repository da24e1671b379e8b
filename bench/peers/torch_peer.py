"""Peer "torch-cpu": PyTorch on the CPU training the same model with SGD, measured the way
bench/measure.ts measures the JavaScript peers. Protocol (bench/protocol.ts): the request is argv[1]
(JSON), argv[2] the directory of MNIST's IDX files; the result is the last line on stdout (JSON)."""
import json
import math
import os
import resource
import sys
import time


def one_line(e):
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def read_idx(path, limit=None):
    import numpy as np
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    return arr[:limit] if limit is not None else arr


def build(torch, layers, seed):
    nn = torch.nn
    torch.manual_seed(seed)
    mods, c, h, w, flat = [], 1, 28, 28, 0
    for l in layers:
        k = l["kind"]
        if k == "conv":
            m = nn.Conv2d(c, l["filters"], l["size"])
            nn.init.normal_(m.weight, 0.0, 1.0 / math.sqrt(c * l["size"] ** 2))
            nn.init.zeros_(m.bias)
            mods += [m, nn.ReLU() if l["activation"] == "relu" else nn.Sigmoid()]
            c, h, w = l["filters"], h - l["size"] + 1, w - l["size"] + 1
        elif k == "pool":
            mods.append(nn.MaxPool2d(l["size"]))
            h, w = h // l["size"], w // l["size"]
        elif k == "flatten":
            mods.append(nn.Flatten())
            flat = c * h * w
        elif k == "dense":
            m = nn.Linear(flat, l["units"])
            nn.init.normal_(m.weight, 0.0, 1.0 / math.sqrt(flat))
            nn.init.zeros_(m.bias)
            mods.append(m)
            if l["activation"] == "relu":
                mods.append(nn.ReLU())
            elif l["activation"] == "sigmoid":
                mods.append(nn.Sigmoid())
            flat = l["units"]  # softmax: applied by cross_entropy
        elif k == "dropout":
            mods.append(nn.Dropout(l["rate"]))
    return nn.Sequential(*mods)


def main():
    req = json.loads(sys.argv[1])
    data_dir = sys.argv[2]
    base = {"peer": req["peer"], "model": req["model"], "batch": req["batch"]}
    try:
        import numpy as np
        import torch
        threads = int(os.environ.get("BENCH_TORCH_THREADS", os.cpu_count() or 1))
        torch.set_num_threads(threads)
        train_x = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte"))
        train_y = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte"))
        test_x = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte"), req["testImages"])
        test_y = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte"), req["testImages"])
        batch, n = req["batch"], train_x.shape[0]
        started = time.perf_counter()
        model = build(torch, req["layers"], 1)
        opt = torch.optim.SGD(model.parameters(), lr=req["lr"])
        setup_ms = (time.perf_counter() - started) * 1000
        state = {"next": 0}

        def step():
            idx = np.arange(state["next"], state["next"] + batch) % n
            state["next"] += batch
            x = torch.from_numpy(train_x[idx].astype(np.float32) / 255.0).reshape(batch, 1, 28, 28)
            y = torch.from_numpy(train_y[idx].astype(np.int64))
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()

        notes = []
        model.train()
        t = time.perf_counter()
        step()
        first_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        for _ in range(req["warmupSteps"]):
            step()
        warm = (time.perf_counter() - t) / max(1, req["warmupSteps"]) if req["warmupSteps"] > 0 else first_ms / 1000
        steps = req["windowSteps"]
        if warm > 0:
            steps = max(1, min(steps, math.floor(req["capSeconds"] / req["windows"] / warm)))
        if steps < req["windowSteps"]:
            notes.append(f"windows cut to {steps} step{'' if steps == 1 else 's'} ({steps * batch} images) to stay within {req['capSeconds']} s")
        rates = []
        for _ in range(req["windows"]):
            t = time.perf_counter()
            for _ in range(steps):
                step()
            rates.append(steps * batch / (time.perf_counter() - t))
        slowest = min(rates)
        extra = req["accuracySteps"] - state["next"] // batch
        accuracy = None
        if extra > 0 and extra * batch / slowest > req["capSeconds"]:
            notes.append(f"not evaluated: training on to {req['accuracySteps'] * batch:,} images would take over {req['capSeconds']} s")
        elif len(test_y) / (3 * slowest) > req["capSeconds"]:
            notes.append(f"not evaluated: {len(test_y)} test images would take over {req['capSeconds']} s")
        else:
            for _ in range(max(0, extra)):
                step()
            model.eval()
            correct = 0
            with torch.no_grad():
                for s in range(0, len(test_y), 500):
                    x = torch.from_numpy(test_x[s:s + 500].astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
                    correct += int((model(x).argmax(1).numpy() == test_y[s:s + 500]).sum())
            accuracy = correct / len(test_y)
        result = dict(base, ok=True, device=f"torch {torch.__version__} cpu, {torch.get_num_threads()} threads",
                      firstStepMs=setup_ms + first_ms, windowRates=rates, imagesTrained=state["next"],
                      accuracy=accuracy, testImages=int(len(test_y)),
                      peakRssBytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, notes=notes)
    except Exception as e:  # one line for the table, never a traceback
        result = dict(base, ok=False, error=one_line(e))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
