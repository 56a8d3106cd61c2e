"""A learning-rate finder (Leslie Smith's range test, as fastai's lr_find): from the current
weights, train a few hundred steps while the learning rate grows geometrically from 1e-5
to 10, and watch the loss. Where it falls fastest is a good rate; where it shoots up, too
high. The sweep trains a copy: the run's weights, epoch, history and optimizer memory are
untouched. One step is one epoch of the run's own settings (full batch: one update)."""
import math
from dataclasses import dataclass

import numpy as np

from ..session import TrainingSession

LOW, HIGH, STEPS = 1e-5, 10.0, 300
BLOW_UP = 4.0           # stop once the loss is this many times its lowest so far
SMOOTH = 0.1            # weight of the newest loss in the running average (fastai's beta 0.9)


@dataclass(frozen=True)
class Sweep:
    lrs: np.ndarray         # (k,) the rate of each step, k <= STEPS
    losses: np.ndarray      # (k,) the training loss after each step
    smooth: np.ndarray      # (k,) its running average, bias-corrected
    steepest: int           # index where the smoothed loss falls fastest against log(lr)

    @property
    def suggestion(self) -> float:
        """The steepest point's rate, to two significant figures."""
        return float(f"{self.lrs[self.steepest]:.2g}")


def rates(low=LOW, high=HIGH, steps=STEPS):
    """Geometric from low to high: each step multiplies the rate by the same factor."""
    return np.geomspace(low, high, steps)


def running_average(losses, weight=SMOOTH):
    """Exponential moving average, divided by 1 - (1 - weight)^t so it starts unbiased."""
    out, avg = np.empty(len(losses)), 0.0
    for t, x in enumerate(losses, start=1):
        avg = (1 - weight) * avg + weight * x
        out[t - 1] = avg / (1 - (1 - weight) ** t)
    return out


def steepest(lrs, smooth):
    """Index of the most negative slope of the smoothed loss against log(lr), skipping the
    first and last few steps, whose slopes the average has not settled on."""
    if len(smooth) < 5:
        return 0
    slope = np.gradient(smooth, np.log(lrs))
    edge = max(1, len(smooth) // 20)
    inner = slope[edge:-edge] if len(slope) > 2 * edge else slope
    return int(np.argmin(inner)) + (edge if len(slope) > 2 * edge else 0)


def sweep(session, low=LOW, high=HIGH, steps=STEPS) -> Sweep:
    """Train a copy of `session` for up to `steps` epochs at geometrically rising rates."""
    lrs = rates(low, high, steps)
    c = session.config.replace(epochs=steps, lr=float(lrs[0]))
    copy = TrainingSession(c, session.data, initial_params=[p.copy() for p in session.params])
    losses = []
    for lr in lrs:
        copy.retune(lr=float(lr))
        if copy.advance(1) == 0:
            break                       # diverged: the copy stopped at its last good state
        loss = copy.evaluate().train_loss
        if not math.isfinite(loss) or (losses and loss > BLOW_UP * min(losses)):
            break
        losses.append(loss)
    k = len(losses)
    smooth = running_average(losses)
    return Sweep(lrs[:k], np.array(losses), smooth, steepest(lrs[:k], smooth))
