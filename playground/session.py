"""The training session: all mutable state of one run, advanced K epochs at a time.

The app keeps one `TrainingSession` per browser session; the CLI keeps one per run.
It holds the data, the parameters, the optimizer's memory, the shuffling generator,
the history and the divergence report. Everything else is a pure function elsewhere.
"""
import copy
import math
import time
from dataclasses import dataclass

import numpy as np

from . import network
from .config import Config, validated
from .data.datasets import Dataset, make_dataset
from .data.features import expand
from .history import History
from .snapshots import Snapshots
from .losses import LOSSES
from .optimizers import OPTIMIZERS, new_state

# Settings that can change mid-run and continue from the current weights, as in
# TensorFlow Playground; any other change means a new network (see `needs_reset`).
TUNABLE = ("lr", "optimizer", "batch_size", "epochs", "loss", "regularization", "reg_rate")


def needs_reset(old: Config, new: Config) -> bool:
    """Whether going from old to new changes the data or the architecture."""
    return any(getattr(old, f) != getattr(new, f)
               for f in Config.__dataclass_fields__ if f not in TUNABLE + ("preset",))


@dataclass(frozen=True)
class Metrics:
    train_loss: float
    train_accuracy: float
    test_loss: float        # nan without a test set
    test_accuracy: float    # nan without a test set


def data_bounds(X, pad=0.15):
    """A square box around the points, padded, as (lo, hi): the plotted input plane."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    centre, half = (lo + hi) / 2, (hi - lo).max() / 2 * (1 + pad) + 1e-9
    return (float(min(centre - half)), float(max(centre + half)))


def grid_points(bounds, n):
    """n*n points covering the box, x fastest: reshape(n, n) gives rows of equal x2."""
    t = np.linspace(bounds[0], bounds[1], n)
    x1, x2 = np.meshgrid(t, t)
    return np.stack([x1.ravel(), x2.ravel()], axis=1)


class TrainingSession:
    def __init__(self, config: Config, data: Dataset = None, initial_params=None):
        self.config = validated(config)
        self.initial_config = self.config                   # before any mid-run change
        c = self.config
        self.data = data or make_dataset(c.dataset, c.samples, c.noise, c.test_fraction, c.seed)
        self.dtype = np.dtype(c.precision)
        self.X, self.y = self._inputs(self.data.X_train, self.data.y_train)
        self.X_test, self.y_test = self._inputs(self.data.X_test, self.data.y_test)
        sizes = [len(c.features), *c.hidden, 1]
        if initial_params is None:
            initial_params = network.initialize(sizes, c.init, c.seed, self.dtype)
        self.initial_params = [np.array(p, dtype=self.dtype) for p in initial_params]
        self.theta, self.params = network.flat(self.initial_params)  # params: views of theta
        self._theta_list = [self.theta]                     # the optimizers take lists
        self.opt_state = new_state([self.theta])
        self.rng = np.random.default_rng([c.seed, 2])       # mini-batch shuffling
        self.epoch = 0                                      # epochs completed
        self.history = History()
        self.snapshots = Snapshots()                        # for replaying the run
        self.diverged = ""                                  # the reason, once it happens
        self.changes = []                                   # [(epoch, {setting: value})]
        self.bounds = data_bounds(np.concatenate([self.data.X_train, self.data.X_test]))
        self._workspaces, self._grids = {}, {}

    def _inputs(self, X, y):
        """Raw points -> network inputs with the ones column, and labels as (n, 1)."""
        Xe = network.with_ones(expand(X, self.config.features), self.dtype)
        return Xe, y.reshape(-1, 1).astype(self.dtype)

    def _workspace(self, n, purpose="eval"):
        """Arrays for n points; training and evaluation keep separate ones, since an
        evaluation happens between a training step's forward and backward passes."""
        if (n, purpose) not in self._workspaces:
            self._workspaces[n, purpose] = network.Workspace(self.params, n)
        return self._workspaces[n, purpose]

    # -- reading the state ---------------------------------------------------------
    @property
    def done(self):
        return bool(self.diverged) or self.epoch >= self.config.epochs

    def _measure(self, X, y, a=None, z=None):
        """(loss, accuracy) of the current parameters on (X, y); reuse a, z if known."""
        if len(y) == 0:
            return math.nan, math.nan
        if a is None:
            ws = self._workspace(len(y))
            a = network.forward(self.params, X, self.config.activation, ws)
            z = ws.z[-1]
        with np.errstate(all="ignore"):
            loss = LOSSES[self.config.loss][0](y, a, z)
            accuracy = float(np.count_nonzero((a > 0.5) == (y > 0.5))) / len(y)
        return loss, accuracy

    def evaluate(self) -> Metrics:
        """Loss and accuracy of the current parameters on the train and test points."""
        with np.errstate(all="ignore"):
            return Metrics(*self._measure(self.X, self.y), *self._measure(self.X_test, self.y_test))

    def predict(self, X):
        """Probability of class 1 for raw points X (n, 2)."""
        return network.predict(self.params, self._inputs(np.asarray(X, float), np.empty(0))[0],
                               self.config.activation)

    def _grid(self, n):
        if n not in self._grids:
            self._grids[n] = self._inputs(grid_points(self.bounds, n), np.empty(0))[0]
        return self._grids[n]

    def surface(self, n=100):
        """(n, n) probability of class 1 over the input plane (rows: x2, columns: x1)."""
        return network.predict(self.params, self._grid(n), self.config.activation).reshape(n, n)

    def unit_surfaces(self, n=32):
        """Every unit's output over the plane: one (units, n, n) array per layer."""
        outs = network.layer_outputs(self.params, self._grid(n), self.config.activation)
        return [a.T.reshape(-1, n, n) for a in outs]

    # -- training ------------------------------------------------------------------
    def _step(self):
        """One epoch: full batch, or mini-batches in a fresh seeded order."""
        c, X, y = self.config, self.X, self.y
        if self.snapshots.due(self.epoch):
            self.snapshots.add(self.epoch, self.theta)
        if c.batch_size == 0 or c.batch_size >= len(y):
            ws = self._workspace(len(y), "train")
            a = network.forward(self.params, X, c.activation, ws)
            if self.history.wants(self.epoch):
                self._record(a, ws.z[-1])
            self._update(X, y, ws)
            self.epoch += 1
            return
        if self.history.wants(self.epoch):
            self._record()
        order = self.rng.permutation(len(y))
        Xs, ys = X[order], y[order]
        ws, size = self._workspace(c.batch_size, "train"), c.batch_size
        # A small batch's step is mostly Python overhead: look the calls up once.
        forward, update, params, act = network.forward, self._update, self.params, c.activation
        for i in range(0, len(y), size):
            Xb, yb = Xs[i:i + size], ys[i:i + size]
            if len(yb) != ws.n:
                ws = self._workspace(len(yb), "train")
            forward(params, Xb, act, ws)
            update(Xb, yb, ws)
        self.epoch += 1

    def _record(self, a=None, z=None):
        self.history.add(self.epoch, *self._measure(self.X, self.y, a, z),
                         *self._measure(self.X_test, self.y_test))

    def _update(self, X, y, ws):
        c = self.config
        grads = network.backward(self.params, X, y, c.activation, c.loss, ws, c.delta_rule)
        if c.regularization != "none":
            network.add_regularization(self.params, grads, c.regularization, c.reg_rate)
        OPTIMIZERS[c.optimizer](self._theta_list, ws.grad_list, self.opt_state, c.lr)

    def _healthy(self):
        return bool(np.isfinite(self.theta).all()) and math.isfinite(self.evaluate().train_loss)

    def advance(self, k, deadline=None):
        """Run up to k epochs (fewer at the end of the run, on divergence, or once
        time.perf_counter() passes `deadline`); returns the number run.

        Finiteness is checked once at the end, not every epoch (that would cost more than
        a small network's step). A diverged stretch is rolled back and replayed one checked
        epoch at a time, so the run stops at its last finite state, with a reason.
        """
        k = 0 if self.diverged else max(0, min(int(k), self.config.epochs - self.epoch))
        if k == 0:
            return 0
        start, saved = self.epoch, self._snapshot()
        with np.errstate(all="ignore"):
            for _ in range(k):
                self._step()
                if deadline is not None and time.perf_counter() > deadline:
                    break
            if self._healthy():
                return self.epoch - start
            stop = self.epoch
            self._restore(saved)
            while self.epoch < stop:
                before = self._snapshot()
                self._step()
                if not self._healthy():
                    self._restore(before)
                    self._diverge()
                    break
        return self.epoch - start

    def advance_for(self, seconds, max_epochs=10**9):
        """Train for about `seconds` of wall time (the app's time cap per redraw)."""
        return self.advance(max_epochs, deadline=time.perf_counter() + seconds)

    def checkpoint(self):
        """The state training continues from (weights, optimizer, shuffling, epoch)."""
        return self._snapshot()

    def rewind(self, saved):
        """Back to a checkpoint of this run: later history and snapshots are dropped."""
        self._restore(saved)

    def _snapshot(self):
        return (self.theta.copy(), copy.deepcopy(self.opt_state),
                copy.deepcopy(self.rng.bit_generator.state), self.epoch)

    def _restore(self, saved):
        theta, opt_state, rng_state, epoch = saved
        self.theta[...] = theta
        self.opt_state = copy.deepcopy(opt_state)
        self.rng.bit_generator.state = rng_state
        self.epoch = epoch
        self.history.truncate(epoch)
        self.snapshots.truncate(epoch)

    def _diverge(self):
        c = self.config
        advice = [f"press Reset and lower the learning rate (now {c.lr:g})"]
        if c.activation in ("relu", "leaky-relu", "linear"):
            advice.append("use tanh or sigmoid, whose outputs stay bounded")
        if c.optimizer != "sgd":
            advice.append("try plain gradient descent")
        if 0 < c.batch_size < 10:
            advice.append("use larger batches")
        self.diverged = (
            f"Training diverged at epoch {self.epoch + 1:,}: the loss or the weights stopped "
            f"being finite numbers (NaN or infinity). The last good state, epoch "
            f"{self.epoch:,}, is kept. To fix it, " + ", or ".join(advice) + ".")

    def retune(self, **changes):
        """Change settings that continue from the current weights (see TUNABLE)."""
        bad = set(changes) - set(TUNABLE)
        if bad:
            raise ValueError(f"{', '.join(sorted(bad))} cannot change mid-run; start a new session")
        new = validated(self.config.replace(**changes))
        changed = {k: v for k, v in changes.items() if getattr(self.config, k) != v}
        if not changed:
            return
        if "optimizer" in changed:
            self.opt_state = new_state([self.theta])
        self.config = new
        self.changes.append((self.epoch, changed))
        if self.diverged and ("lr" in changed or "optimizer" in changed):
            self.diverged = ""
