#!/usr/bin/env python3
"""Child process of bench/compare.ts: times one workload with PyTorch on the CPU.

    OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 python3 bench/torch_bench.py torch-2t <workloadId> <warmup> <runs> '<workload json>'
    python3 bench/torch_bench.py --info      # versions and BLAS check only

Model: Embedding -> LSTM/GRU/RNN(tanh) (batch_first) -> last step -> Linear(1) -> sigmoid,
Adam(lr=1e-3), BCELoss: the same graph as the recurrent / TF.js models.
Prints one line "@@BENCH_RESULT {json}".
"""
import json
import os
import resource
import statistics
import sys
import time

RESULT_PREFIX = "@@BENCH_RESULT "


def blas_libraries():
    """Shared libraries mapped into this process whose name mentions BLAS/LAPACK."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path)
                if "blas" in name or "lapack" in name:
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def torch_info(torch):
    cfg = torch.__config__.show()
    blas_info = next((p.split("=", 1)[1] for p in cfg.replace(",", " ").split() if p.startswith("BLAS_INFO=")), "?")
    libs = blas_libraries()
    return {
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "blasInfo": blas_info,
        "blasLibs": ";".join(libs),
        "openblas": any("openblas" in p for p in libs),
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", ""),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", ""),
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
    }


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def emit(obj):
    sys.stdout.write(RESULT_PREFIX + json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    import torch
    from torch import nn

    if sys.argv[1] == "--info":
        # Force BLAS to load (it is loaded with libtorch_cpu, but do one GEMM to be sure).
        torch.ones(64, 64) @ torch.ones(64, 64)
        print(json.dumps(torch_info(torch), indent=1))
        return

    library, wid, warmup, runs, wjson = sys.argv[1:6]
    warmup, runs = int(warmup), int(runs)
    wl = json.loads(wjson)
    threads = int(library.rsplit("-", 1)[1].rstrip("t"))  # torch-1t / torch-2t
    torch.set_num_threads(threads)
    torch.manual_seed(1)

    rnn_cls = {"lstm": nn.LSTM, "gru": nn.GRU, "simpleRNN": nn.RNN}[wl["cell"]]

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(wl["vocab"], wl["embed"])
            self.rnn = rnn_cls(wl["embed"], wl["units"], batch_first=True)
            self.out = nn.Linear(wl["units"], 1)

        def forward(self, x):
            h, _ = self.rnn(self.emb(x))
            return torch.sigmoid(self.out(h[:, -1, :]))

    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    g = torch.Generator().manual_seed(1234)
    x = torch.randint(1, wl["vocab"], (wl["batch"], wl["seqLen"]), generator=g, dtype=torch.int64)
    y = torch.randint(0, 2, (wl["batch"], 1), generator=g).float()

    def train():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    def predict():
        with torch.no_grad():
            return model(x)[0, 0].item()

    fn = train if wl["phase"] == "train" else predict
    for _ in range(warmup):
        fn()
    times = []
    sink = 0.0
    for _ in range(runs):
        t0 = time.perf_counter()
        sink += fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    if sink != sink:
        raise RuntimeError("non-finite result")
    emit({
        "library": library,
        "workload": wid,
        "ok": True,
        "times": times,
        "medianMs": statistics.median(times),
        "warmup": warmup,
        "peakRssMb": peak_rss_mb(),
        "info": torch_info(torch),
    })


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - report any failure as a result line
        emit({
            "library": sys.argv[1] if len(sys.argv) > 1 else "?",
            "workload": sys.argv[2] if len(sys.argv) > 2 else "?",
            "ok": False,
            "error": f"{type(e).__name__}: {e}",
            "peakRssMb": peak_rss_mb(),
        })
        sys.exit(1)
