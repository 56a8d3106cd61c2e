"""Time a run's save and load (playground/saves.py) and its room tile, beside one live tick.

    python benchmarks/bench_saves.py [--repeat 5]

The room saves each student's run at least every 5 seconds of training, and publishes a
tile about once a second. Each case prints the save's size, the median milliseconds of
save_bytes, load_session and make_tile (CPU time), and those costs as a share of what the live view
spends meanwhile: one tick (TICK_SECONDS of frames, measured here on the same run) per
0.5 s, so a save every 5 s costs save / (10 ticks) and a tile a second tile / (2 ticks).
Numbers for a person to read, never a pass/fail (tests/unit/test_saves.py bounds the size).
"""
import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from playground import Config, TrainingSession  # noqa: E402
from playground.config import MAX_LAYERS, MAX_UNITS  # noqa: E402
from playground.room.tile import make_tile  # noqa: E402
from playground.saves import load_session, save_bytes  # noqa: E402
from ui.live.playback import TICK_SECONDS, Playback  # noqa: E402

SAVE_EVERY, TILE_EVERY = 5.0, 1.0           # seconds, as the room does them
CASES = {                                   # name: (config, epochs trained before saving)
    "default (8,8), 2,000 epochs": (Config(), 2000),
    "8x8x8, 2,000 epochs": (Config(hidden=(8, 8, 8)), 2000),
    f"biggest {MAX_LAYERS}x{MAX_UNITS}, 10,000 epochs": (Config(hidden=(MAX_UNITS,) * MAX_LAYERS),
                                                         10_000),
}


def median_ms(call, repeat):
    """Median CPU milliseconds of call() in this thread: what it takes from a core, not
    the moments a busy machine gave the core to someone else."""
    times = []
    for _ in range(repeat):
        t0 = time.thread_time()
        call()
        times.append(time.thread_time() - t0)
    return statistics.median(times) * 1000


def tick_ms(config, repeat):
    """One live tick of this run while playing: training and its frames (ms)."""
    run = Playback(config.replace(epochs=10**7))
    run.play()
    run.tick()                              # the first builds the workspaces and grids
    return median_ms(run.tick, repeat)


def measure(config, epochs, repeat):
    session = TrainingSession(config.replace(epochs=max(config.epochs, epochs)))
    session.advance(epochs)
    blob = save_bytes(session)
    return (len(blob), median_ms(lambda: save_bytes(session), repeat),
            median_ms(lambda: load_session(blob), repeat),
            median_ms(lambda: make_tile(session, "Student 7"), repeat),
            tick_ms(config, repeat))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    ticks = lambda seconds: seconds / TICK_SECONDS       # noqa: E731
    print(f"{'case':34} {'kB':>6} {'save ms':>8} {'load ms':>8} {'tile ms':>8} "
          f"{'tick ms':>8} {'save/tick':>9} {'saves %':>8} {'tiles %':>8}")
    for name, (config, epochs) in CASES.items():
        size, save, load, tile, tick = measure(config, epochs, args.repeat)
        print(f"{name:34} {size / 1000:6.1f} {save:8.2f} {load:8.2f} {tile:8.2f} {tick:8.1f} "
              f"{save / tick:9.4f} {100 * save / (ticks(SAVE_EVERY) * tick):7.2f}% "
              f"{100 * tile / (ticks(TILE_EVERY) * tick):7.2f}%")


if __name__ == "__main__":
    main()
