"""Time the extreme-but-legal settings that tests/unit/test_extremes.py only counts.

    python benchmarks/bench_extremes.py [--repeat 3]

Each case prints the best-of-`repeat` seconds and a ratio against its baseline, measured
in the same process: for a call with a time cap, the cap itself (a ratio near 1 means
the cap holds; the overrun is at most about one epoch); for the rest, the same call on
the default settings. The tests keep asserting behaviour (finishes, finite, bounded
epochs per call); these numbers are for a person to read, never a pass/fail.
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from playground import Config, TrainingSession, from_preset  # noqa: E402
from playground.config import MAX_LAYERS, MAX_SAMPLES, MAX_UNITS  # noqa: E402
from ui.live.playback import TICK_BUDGET, Playback  # noqa: E402

BIGGEST = (MAX_UNITS,) * MAX_LAYERS
ALL_FEATURES = ("x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2")


def best(make, call, repeat):
    """Best-of-`repeat` seconds of call(make()), each on a fresh object."""
    times = []
    for _ in range(repeat):
        thing = make()
        t0 = time.perf_counter()
        call(thing)
        times.append(time.perf_counter() - t0)
    return min(times)


def one_epoch(config, repeat):
    return best(lambda: TrainingSession(config), lambda s: s.advance(1), repeat)


def cases(repeat):
    """(name, seconds, baseline seconds, what the baseline is)."""
    default = Config(epochs=500, samples=200)
    base = best(lambda: TrainingSession(default), lambda s: s.advance(500), repeat)
    for activation in ("sigmoid", "tanh", "relu", "leaky-relu", "linear"):
        for optimizer in ("sgd", "momentum", "adam"):
            c = default.replace(lr=10, activation=activation, optimizer=optimizer)
            yield (f"lr 10, {activation}, {optimizer}: 500 epochs",
                   best(lambda: TrainingSession(c), lambda s: s.advance(500), repeat),
                   base, "lr 0.1 tanh sgd")

    big = Config(hidden=BIGGEST, lr=10, epochs=10**6)
    yield ("biggest network, advance_for(0.3)",
           best(lambda: TrainingSession(big), lambda s: s.advance_for(0.3), repeat), 0.3, "cap")

    slow = Config(samples=MAX_SAMPLES, hidden=BIGGEST, batch_size=1, epochs=10**6)
    epoch = one_epoch(slow, 1)
    yield ("batch 1, 5,000 points: 0.05 s deadline",
           best(lambda: TrainingSession(slow),
                lambda s: s.advance(10**6, deadline=time.perf_counter() + 0.05), repeat),
           0.05 + epoch, "cap + 1 epoch")

    def playing():
        run = Playback(slow)
        run.play()
        return run
    yield ("playback tick, slowest settings",
           best(playing, lambda r: r.tick(1000), repeat), TICK_BUDGET + epoch, "budget + 1 epoch")

    yield ("tutorial, 1e6 epochs: advance_for(0.25)",
           best(lambda: TrainingSession(from_preset("tutorial", epochs=10**6)),
                lambda s: s.advance_for(0.25), repeat), 0.25, "cap")

    many = Config(epochs=10**6, samples=MAX_SAMPLES)
    yield ("5,000 points, 1e6 epochs: 0.2 s deadline",
           best(lambda: TrainingSession(many),
                lambda s: s.advance(10**6, deadline=time.perf_counter() + 0.2), repeat),
           0.2, "cap")

    most = Config(samples=MAX_SAMPLES, noise=2.0, test_fraction=0.9, features=ALL_FEATURES,
                  epochs=10)
    yield ("5,000 points, 7 features: 10 epochs",
           best(lambda: TrainingSession(most), lambda s: s.advance(10), repeat),
           best(lambda: TrainingSession(Config(epochs=10)), lambda s: s.advance(10), repeat),
           "500 points, 2 features")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'case':44} {'seconds':>8} {'baseline':>9} {'ratio':>6}  baseline is")
    for name, seconds, baseline, what in cases(args.repeat):
        print(f"{name:44} {seconds:8.3f} {baseline:9.3f} {seconds / baseline:6.2f}  {what}")


if __name__ == "__main__":
    main()
