"""Time the core against the tutorial's textbook code, in one process, on the same data
and initial weights. Prints microseconds per step for both and the speed-up ratio.

    python benchmarks/bench_core.py [--repeat 5]

Cases: (a) the tutorial's XOR 2-2-1, float64, which trains with network.py in the
tutorial's order of operations; (a32) the same network in float32, which trains with the
fast twin, fast.py, as every other run does; (b) moons, 500 points, 2-8-8-1 tanh, BCE, full
batch; (c) the same with mini-batches of 10 (a step is one mini-batch update); (e) (b)
late in a run, its history full, FRAME epochs per call: a live view's frame on a crowded
server, where the checks after each call (finite, blown up, failed) must stay cheap;
(d) one forward pass over a 100x100 and a 200x200 grid. Targets: 2x, 2x, 3x, 2.5x, 2x, 4x.
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tools import tutorial_oracle as T  # noqa: E402
from playground import TrainingSession, from_preset  # noqa: E402
from playground.fast import W_and_b  # noqa: E402
from playground.pictures import plane  # noqa: E402

STEPS = 50  # epochs per call of ours: advance() checks finiteness once per call
FRAME = 5   # epochs per call in (e): a frame's share when 40 students share 2 cores
LATE = 20_000   # epochs (e) trains first: the history holds its most rows from here on
TARGETS = {"a": 2.0, "a32": 2.0, "b": 3.0, "c": 2.5, "e": 2.0, "d100": 4.0, "d200": 4.0}


# -- the textbook code, generalized from the tutorial to L layers, tanh and BCE --------
def textbook_forward(params, X):
    acts, a = [X], X
    for l in range(len(params) // 2):
        z = np.dot(a, params[2 * l]) + params[2 * l + 1]
        a = np.tanh(z) if l < len(params) // 2 - 1 else 1 / (1 + np.exp(-z))
        acts.append(a)
    return a, acts


def textbook_step(params, X, y, lr):
    a, acts = textbook_forward(params, X)
    loss = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
    delta = (a - y) / len(y)
    grads = [None] * len(params)
    for l in range(len(params) // 2 - 1, -1, -1):
        grads[2 * l] = np.dot(acts[l].T, delta)
        grads[2 * l + 1] = np.sum(delta, axis=0, keepdims=True)
        if l > 0:
            delta = np.dot(delta, params[2 * l].T) * (1 - acts[l] ** 2)
    for p, g in zip(params, grads):
        p -= lr * g
    return loss


def textbook_minibatch_epoch(params, X, y, lr, batch, rng):
    order = rng.permutation(len(y))
    for i in range(0, len(y), batch):
        idx = order[i:i + batch]
        textbook_step(params, X[idx], y[idx], lr)


def textbook_grid(params, bounds, n):
    t = np.linspace(bounds[0], bounds[1], n)
    x1, x2 = np.meshgrid(t, t)
    a, _ = textbook_forward(params, np.c_[x1.ravel(), x2.ravel()])
    return a.reshape(n, n)


def textbook_params(session):
    """The session's initial weights as the textbook's float64 [W1, b1, W2, b2, ...]."""
    return [np.array(p, dtype=np.float64) for Wb in W_and_b(session.params) for p in Wb]


def per_call(fn, min_seconds=0.5, repeat=5):
    """Best-of-`repeat` mean seconds per call, each round lasting about min_seconds."""
    fn()
    t0, calls = time.perf_counter(), 0
    while time.perf_counter() - t0 < min_seconds / 5:
        fn()
        calls += 1
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(calls * 5):
            fn()
        best = min(best, (time.perf_counter() - t0) / (calls * 5))
    return best


def cases(repeat):
    # (a) the tutorial, full batch XOR: its own functions against our session
    net = T.initialize_network(2, 2, 1)

    def tutorial_step():
        a2, cache = T.forward_propagation(net, T.X)
        T.compute_loss(T.y, a2)
        T.update_parameters(net, T.backward_propagation(net, cache, T.X, T.y), 0.1)

    textbook = per_call(tutorial_step, repeat=repeat)
    for key, precision in (("a", "float64"), ("a32", "float32")):
        ours = TrainingSession(from_preset("tutorial", epochs=10**7, precision=precision))
        yield key, f"tutorial XOR 2-2-1, full batch, {precision}", textbook, \
            per_call(lambda: ours.advance(STEPS), repeat=repeat) / STEPS

    # (b), (c): moons 500, 2-8-8-1 tanh, BCE, same data and initial weights for both
    moons = from_preset("default", dataset="moons", samples=500, noise=0.1, hidden=(8, 8),
                        test_fraction=0.0, epochs=10**7)
    ours = TrainingSession(moons)
    X, y = ours.data.X_train, ours.y.astype(np.float64)
    params = textbook_params(ours)
    yield "b", "moons 500, 2-8-8-1 tanh, BCE, full batch", \
        per_call(lambda: textbook_step(params, X, y, 0.1), repeat=repeat), \
        per_call(lambda: ours.advance(STEPS), repeat=repeat) / STEPS

    late = TrainingSession(moons)
    late.advance(LATE)
    yield "e", f"same, after {LATE:,} epochs, {FRAME} epochs per call", \
        per_call(lambda: textbook_step(params, X, y, 0.1), repeat=repeat), \
        per_call(lambda: late.advance(FRAME), repeat=repeat) / FRAME

    batches = len(y) // 10
    ours = TrainingSession(moons.replace(batch_size=10))
    rng = np.random.default_rng(0)
    params = textbook_params(ours)
    yield "c", "same, mini-batches of 10 (per update)", \
        per_call(lambda: textbook_minibatch_epoch(params, X, y, 0.1, 10, rng), repeat=repeat) / batches, \
        per_call(lambda: ours.advance(1), repeat=repeat) / batches

    # (d) one forward pass over the grid (the decision surface)
    for n in (100, 200):
        plane.surface(ours, n)  # the grid's network inputs are made once and kept, not per frame
        yield f"d{n}", f"forward pass over a {n}x{n} grid", \
            per_call(lambda: textbook_grid(params, ours.bounds, n), repeat=repeat), \
            per_call(lambda: plane.surface(ours, n), repeat=repeat)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"{'case':5} {'what':42} {'textbook us':>12} {'ours us':>9} {'ratio':>6} {'target':>6}")
    for key, what, base, ours in cases(args.repeat):
        ratio = base / ours
        flag = "ok" if ratio >= TARGETS[key] else "MISS"
        print(f"{key:5} {what:42} {base * 1e6:12.1f} {ours * 1e6:9.1f} {ratio:6.2f} "
              f"{TARGETS[key]:5.1f}x {flag}")


if __name__ == "__main__":
    main()
