"""How fast each problem type trains, next to a binary run of the same size, in one
process on the same machine: epochs per second of `TrainingSession.advance`.

    python benchmarks/bench_problems.py [--repeat 5]

Cases: a 4-class spiral, 2-16-16-4 tanh, softmax + cross-entropy; the 2-class spiral on
the same 2-16-16-1 network with a sigmoid + BCE (the baseline); and a regression run,
multi-gaussian on 2-16-16-1 with a linear output + mse. 500 points, 250 of them training
points, full batch and mini-batches of 10, float32 (fast.py) and float64 (network.py).
The ratio is the binary run's time per epoch over the other's (below 1: slower).
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from playground import Config, TrainingSession  # noqa: E402

BASE = dict(dataset="spiral", samples=500, hidden=(16, 16), activation="tanh", lr=0.03,
            optimizer="sgd", epochs=10**7, seed=1)
KINDS = {
    "binary": dict(loss="bce"),
    "4 classes": dict(classes=4, loss="ce"),
    "regression": dict(dataset="multi-gaussian", problem="regression", loss="mse"),
}
STEPS = 50      # epochs per call: advance() checks the run's health once per call


def seconds_per_epoch(config, repeat):
    """Best-of-`repeat` seconds per epoch, each round about 0.3 s of training."""
    session = TrainingSession(config)
    session.advance(STEPS)
    t0, calls = time.perf_counter(), 0
    while time.perf_counter() - t0 < 0.3:
        session.advance(STEPS)
        calls += 1
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(calls):
            session.advance(STEPS)
        best = min(best, (time.perf_counter() - t0) / (calls * STEPS))
    assert not session.diverged, session.diverged
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"{'precision':9} {'batch':6} {'problem':11} {'network':9} {'epochs/s':>9} "
          f"{'vs binary':>9}")
    for precision in ("float32", "float64"):
        for batch in (0, 10):
            base = None
            for kind, settings in KINDS.items():
                config = Config(**{**BASE, **settings, "precision": precision,
                                   "batch_size": batch})
                per_epoch = seconds_per_epoch(config, args.repeat)
                base = base or per_epoch
                units = 4 if config.output == "softmax" else 1
                print(f"{precision:9} {batch or 'full':<6} {kind:11} {'2-16-16-' + str(units):9} "
                      f"{1 / per_epoch:9.0f} {base / per_epoch:9.2f}")


if __name__ == "__main__":
    main()
