"""Why is it stuck? Training diagnostics from the network's own numbers.

Per layer: dead units (a ReLU that outputs 0 on every training point gets no gradient
again, so it never comes back), saturated units (a sigmoid or tanh beyond 0.99 of its
range on most points has a slope near 0, so it learns slowly), and the gradient's norm.
Over the run: the gradient norms at the run's snapshots (playground/snapshots.py keeps at
most 160, so this costs a few forward and backward passes, on a copy, and nothing while
training). The numbers come from TrainingSession.full_pass, which leaves the run alone.
`first_problem` names the first thing worth fixing, in plain words.
Layers are numbered as the math panel does: layer l has weights W_l; the last is the output.
"""
import math
from dataclasses import dataclass

import numpy as np

from ..session import TrainingSession

SATURATED_AT = 0.99     # |tanh| or the sigmoid's distance from 0.5, doubled, beyond this
MOST = 0.9              # "most points": a unit saturated on 9 points in 10
VANISHING = 1000.0      # one layer's gradient this many times smaller than a later one's
EXPLODING = 1000.0      # a layer's gradient norm above this
FLAT = 0.02             # a plateau: the loss fell less than 2% over the last fifth of the run
PLATEAU_AFTER = 1000    # epochs before calling anything a plateau (early on, slow is normal)


@dataclass(frozen=True)
class LayerHealth:
    layer: int          # 1 = the first hidden layer
    units: int
    dead: int           # ReLU units never active on the training points
    saturated: int      # sigmoid/tanh units beyond SATURATED_AT on MOST points
    saturation: float   # share of (unit, point) pairs beyond SATURATED_AT
    grad_norm: float    # of this layer's [W; b] gradient


def dead_units(a, activation):
    """(units,) True where a ReLU unit's output a (n, units) is 0 on every point."""
    if activation != "relu":
        return np.zeros(a.shape[1], bool)
    return (a <= 0).all(axis=0)


def saturation(a, activation):
    """(units,) each sigmoid or tanh unit's share of points where its output a (n, units)
    is beyond 0.99 of its range (0 for other activations, which do not flatten out)."""
    if activation == "tanh":
        return (np.abs(a) > SATURATED_AT).mean(axis=0)
    if activation == "sigmoid":
        return (np.abs(2 * a - 1) > SATURATED_AT).mean(axis=0)
    return np.zeros(a.shape[1])


def saturated_units(a, activation):
    """(units,) True where a sigmoid or tanh unit sits beyond 0.99 of its range on most points."""
    return saturation(a, activation) > MOST


def norms(grads):
    """Each layer's gradient norm, W and b together, from [(dW, db), ...]."""
    return [float(np.sqrt(np.sum(dW * dW) + np.sum(db * db))) for dW, db in grads]


def health(outputs, grads, activation):
    """LayerHealth per layer from its outputs [(n, units), ...] and gradients [(dW, db), ...].
    The last layer is the output unit: never counted dead nor saturated, since a confident
    output is what the loss asks for."""
    rows = []
    for l, (a, norm) in enumerate(zip(outputs, norms(grads)), start=1):
        act = activation if l < len(outputs) else "output"
        rows.append(LayerHealth(l, a.shape[1], int(dead_units(a, act).sum()),
                                int(saturated_units(a, act).sum()),
                                float(saturation(a, act).mean()), norm))
    return rows


def norm_history(session, now=True):
    """(epochs (k,), gradient norms (k, layers)) at the run's snapshots (and now), computed
    on a copy of the session (the snapshots' weights are loaded into the copy, not the run)."""
    copy = TrainingSession(session.config, session.data, initial_params=session.params)
    epochs, rows = [], []
    for epoch, theta in [*zip(session.snapshots.epochs, session.snapshots.thetas),
                         *[(session.epoch, session.theta)] * now]:
        if epochs and epoch <= epochs[-1]:
            continue
        copy.theta[...] = theta
        epochs.append(epoch)
        rows.append(norms(copy.gradients()))
    return np.array(epochs), np.array(rows)


def layer_name(l, layers):
    return f"layer {l} (the output)" if l == layers else f"layer {l}"


# -- the plain-language line ----------------------------------------------------------------
def _dead(rows, activation):
    for r in rows:
        if r.dead:
            return (f"{r.dead} of {r.units} ReLU units in layer {r.layer} are dead (0 on every "
                    "training point, so no gradient reaches them): try leaky ReLU or a lower "
                    "learning rate.")


def _saturated(rows, activation):
    for r in rows:
        if r.saturated and r.saturated * 2 >= r.units:
            return (f"{r.saturated} of {r.units} {activation} units in layer {r.layer} are "
                    f"saturated (beyond {SATURATED_AT} on most points, where their slope is "
                    "nearly 0): try a lower learning rate, Xavier initialization or ReLU.")


def _exploding(rows, activation):
    for r in rows:
        if not math.isfinite(r.grad_norm) or r.grad_norm > EXPLODING:
            return (f"{layer_name(r.layer, len(rows)).capitalize()}'s gradient norm is "
                    f"{r.grad_norm:.3g}: exploding gradients. Lower the learning rate.")


def _vanishing(rows, activation):
    for early in rows:
        for late in rows[early.layer:]:
            if early.grad_norm * VANISHING < late.grad_norm:
                ratio = late.grad_norm / max(early.grad_norm, 1e-300)
                return (f"Layer {early.layer}'s gradient is {ratio:,.0f}x smaller than "
                        f"{layer_name(late.layer, len(rows))}'s: vanishing gradients, so the "
                        "early layers barely learn. Try ReLU, fewer layers or Xavier/He "
                        "initialization.")


CHECKS = (_dead, _exploding, _saturated, _vanishing)


def plateau(epochs, losses, accuracy, rows=()):
    """A plain line when the loss has gone flat while some training points are still wrong;
    saturated hidden units, when many are, as the likely reason."""
    if len(epochs) < 10 or epochs[-1] < PLATEAU_AFTER or accuracy >= 1 \
            or not np.isfinite(losses).all():
        return ""
    i = int(np.searchsorted(epochs, 0.8 * epochs[-1]))
    before = losses[i]
    if before <= 0 or (before - losses[-1]) / before > FLAT:
        return ""
    wrong = round((1 - accuracy) * 100)
    why = next((f" Layer {r.layer}'s units are saturated on {r.saturation:.0%} of the points, "
                "where their slope is nearly 0 and different points look alike to the next "
                "layer." for r in rows[:-1] if r.saturation >= 0.25), "")
    return (f"The loss has barely moved since epoch {int(epochs[i]):,} "
            f"({before:.4g} to {losses[-1]:.4g}) while {wrong}% of the training points are "
            "still wrong: the network is stuck on a plateau, where the slope is almost flat." +
            why + " Try more hidden units, another seed, or momentum or Adam.")


def first_problem(rows, activation, epochs=(), losses=(), accuracy=1.0):
    """The first problem seen, as one plain sentence; "" when none is."""
    for check in CHECKS:
        found = check(rows, activation)
        if found:
            return found
    return plateau(np.asarray(epochs, float), np.asarray(losses, float), accuracy, rows)


def diagnose(session):
    """(LayerHealth per layer, the first problem's sentence) of a session now."""
    ws = session.full_pass()
    rows = health(ws.a, ws.grads, session.config.activation)
    h = session.history
    return rows, first_problem(rows, session.config.activation, h.column("epoch"),
                               h.column("train_loss"), session.evaluate().train_accuracy)
