"""Time the animated GIF and WebP of a run: 80 frames at 480 px, against the budget (under
3 s on 2 cores, at most 5 MB) and against the time to compute the same 80 surfaces alone
in the same process (the ratio is what drawing and encoding add). The CPU time beside the
wall-clock time is this process's own, a fairer figure on a machine others share.

    python benchmarks/bench_gif.py [--repeat 3] [--width 480]

Cases: the default network (moons, 2-8-8-1 tanh) after 20,000 epochs (80 snapshots and
more); 4 classes on the spiral; regression on the plane.
"""
import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from playground import Config, TrainingSession  # noqa: E402
from playground.teach.animation import FORMATS, Layout, animation  # noqa: E402
from playground.teach.replay import replay_frames  # noqa: E402

BUDGET_S, BUDGET_MB, FRAMES, EPOCHS = 3.0, 5.0, 80, 20_000
CASES = {"2 classes, moons": Config(),
         "4 classes, spiral": Config(classes=4, dataset="spiral", loss="ce"),
         "regression, plane": Config(problem="regression", dataset="plane", loss="mse")}


def median_time(f, repeat, clock=time.perf_counter):
    times = []
    for _ in range(repeat):
        start = clock()
        out = f()
        times.append(clock() - start)
    return statistics.median(times), out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--width", type=int, default=480)
    args = p.parse_args()
    cells = Layout(args.width).cells
    print(f"{'case':20} {'format':6} {'frames':>6} {'s':>6} {'cpu s':>6} {'MB':>5} "
          f"{'surfaces s':>10} {'ratio':>6} {'of 3 s':>7} {'of 5 MB':>7}")
    for name, config in CASES.items():
        session = TrainingSession(config)
        session.advance(EPOCHS)
        surfaces, frames = median_time(lambda: replay_frames(session, cells, FRAMES),
                                       args.repeat)
        for kind in FORMATS:
            seconds, data = median_time(lambda: animation(session, kind, args.width, FRAMES),
                                        args.repeat)
            cpu, _ = median_time(lambda: animation(session, kind, args.width, FRAMES),
                                 args.repeat, time.process_time)
            mb = len(data) / 1e6
            print(f"{name:20} {kind:6} {len(frames):6d} {seconds:6.2f} {cpu:6.2f} {mb:5.2f} "
                  f"{surfaces:10.3f} {seconds / surfaces:6.1f} {seconds / BUDGET_S:7.1%} "
                  f"{mb / BUDGET_MB:7.1%}")


if __name__ == "__main__":
    main()
