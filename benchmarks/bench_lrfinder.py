"""Time the learning-rate finder on the default network, against plain training of the same
number of epochs in the same process (the finder's overhead is the ratio), and against its
budget: under 2 s for the default network.

    python benchmarks/bench_lrfinder.py [--repeat 7]

Cases: the default network (moons, 500 points, 2-8-8-1 tanh, BCE, full batch) fresh and
after 2,000 epochs; the same with mini-batches of 10; Adam with 2 layers of 32.
"""
import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from playground import Config, TrainingSession  # noqa: E402
from playground.teach import lrfinder  # noqa: E402

BUDGET = 2.0
CASES = {"default, fresh": (Config(), 0), "default, after 2,000 epochs": (Config(), 2000),
         "mini-batches of 10": (Config(batch_size=10), 0),
         "Adam, 2x32 units": (Config(optimizer="adam", hidden=(32, 32), lr=0.01), 0)}


def median_time(f, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=7)
    repeat = p.parse_args().repeat
    print(f"{'case':30} {'steps':>5} {'finder s':>9} {'training s':>10} {'ratio':>6} {'of 2 s':>7}")
    for name, (config, warm) in CASES.items():
        session = TrainingSession(config)
        session.advance(warm)
        steps = len(lrfinder.sweep(session).lrs)
        finder = median_time(lambda: lrfinder.sweep(session), repeat)

        def plain():                 # the same epochs, plain training on a fresh copy
            TrainingSession(config.replace(epochs=steps), session.data,
                            initial_params=session.params).advance(steps)
        baseline = median_time(plain, repeat)
        print(f"{name:30} {steps:5d} {finder:9.3f} {baseline:10.3f} {finder / baseline:6.2f} "
              f"{finder / BUDGET:7.1%}")


if __name__ == "__main__":
    main()
