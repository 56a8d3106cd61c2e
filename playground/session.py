"""The training session: all mutable state of one run, advanced K epochs at a time.

The app keeps one `TrainingSession` per browser session; the CLI keeps one per run.
It holds the data, the parameters, the optimizer's memory, the shuffling generator,
the history and the divergence report. Everything else is a pure function elsewhere.
"""
import copy
import math
import statistics
import time
from dataclasses import dataclass

import numpy as np

from . import fast, network
from .config import Config, validated
from .data.datasets import Dataset, make_dataset
from .data.features import expand
from .history import History
from .snapshots import Snapshots
from .losses import LOSSES
from .optimizers import OPTIMIZERS, new_state
from .outputs import OUTPUTS, targets

# Settings that can change mid-run and continue from the current weights, as in
# TensorFlow Playground; any other change means a new network (see `rebuilt_by`).
TUNABLE = ("lr", "optimizer", "batch_size", "epochs", "loss", "regularization", "reg_rate")
BLOW_UP = 10        # a loss this many times above its best (and above chance) has diverged,
BLOW_UP_FOR = 20    # ... unless within this many epochs it is back near its best (BACK
BACK = 2            # times) or below chance: a spike the next steps undo (see _lasts)
KEPT = 8            # arrays of points whose network inputs `predict(..., keep=True)` keeps
FAILED_ABOVE = 1.1  # a loss this many times above its start (and above chance), now and
FAILED_FOR = 300    # at most of the epochs recorded over this many: the run has failed
# Learning rates that train this app's small networks, by optimizer: what a diverged or
# failed run's advice suggests (momentum's steps add up to 10 times the rate).
GOOD_LR = {"sgd": (0.01, 1.0), "momentum": (0.001, 0.1), "adam": (0.001, 0.1)}


def has_failed(epochs, losses, chance):
    """Whether a run has failed: its training loss is FAILED_ABOVE times above where it
    started and above chance now, and was so at most epochs recorded over the last
    FAILED_FOR (the median). Such a run is worse than untrained and stays so (a learning
    rate too high keeps it bouncing, or sticks its units); a run that climbed and came
    back is below the line now, and a mini-batch run's noisy loss mostly is. `epochs`,
    `losses`: recorded since the run (re)started, the start first, now last."""
    if len(epochs) < 2 or epochs[-1] - epochs[0] < FAILED_FOR:
        return False
    line = max(FAILED_ABOVE * losses[0], chance)
    recent = [loss for e, loss in zip(epochs, losses) if e > epochs[-1] - FAILED_FOR]
    return losses[-1] > line and statistics.median(recent) > line


def _changed(old: Config, new: Config, fields) -> list[str]:
    return [f for f in fields if getattr(old, f) != getattr(new, f)]


def rebuilt_by(old: Config, new: Config) -> list[str]:
    """The settings, changed from old to new, that change the data or the architecture:
    each of them means a new network from epoch 0."""
    return _changed(old, new, [f for f in Config.__dataclass_fields__
                               if f not in TUNABLE + ("preset",)])


def tuned_by(old: Config, new: Config) -> dict:
    """The TUNABLE settings changed from old to new, with their new values: training
    continues from the current weights."""
    return {f: getattr(new, f) for f in _changed(old, new, TUNABLE)}


def fits(config: Config, params) -> bool:
    """Whether these (folded) weights could start a network of this config: the same
    inputs, hidden layers and outputs (a pinned run's initial weights, for Compare)."""
    return fast.layer_sizes(params) == config.layer_sizes


@dataclass(frozen=True)
class Metrics:
    train_loss: float
    train_accuracy: float   # nan for regression
    test_loss: float        # nan without a test set
    test_accuracy: float    # nan without a test set, or for regression
    train_r2: float = math.nan              # regression: 1 - mse / variance of the targets
    test_r2: float = math.nan
    train_class_accuracy: tuple = ()        # classification: accuracy on each class's points
    test_class_accuracy: tuple = ()         # (nan for a class with no points there)


def class_labels(a, kind):
    """Predicted class per point from the outputs a (n, units): a > 0.5, or the argmax."""
    return (a[:, 0] > 0.5).astype(int) if kind == "sigmoid" else a.argmax(axis=1)


def per_class_accuracy(predicted, labels, classes):
    """(accuracy on the points of class 0, of class 1, ...), nan where a class is absent."""
    labels = np.asarray(labels, dtype=np.intp)
    counts = np.bincount(labels, minlength=classes)                     # points per class
    hits = np.bincount(labels[predicted == labels], minlength=classes)  # right per class
    return tuple(float(h / c) if c else math.nan for h, c in zip(hits[:classes], counts))


def r_squared(mse, y):
    """1 - mse / variance of y: 1 is a perfect fit, 0 no better than always the mean."""
    variance = float(np.var(y)) if len(y) else math.nan
    return 1 - mse / variance if variance > 0 else math.nan


def check_labels(data: Dataset, c: Config):
    """Refuse data whose y does not fit the problem: class indices 0..K-1, or finite values."""
    y = np.concatenate([data.y_train, data.y_test])
    if not np.isfinite(y).all():
        raise ValueError("the targets must be finite numbers")
    if c.problem == "classification" and not np.isin(y, np.arange(c.classes)).all():
        raise ValueError(f"the labels must be whole numbers from 0 to {c.classes - 1} "
                         f"for {c.classes} classes")


def data_bounds(X, pad=0.15):
    """A square box around the points, padded, as (lo, hi): the plotted input plane."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    centre, half = (lo + hi) / 2, (hi - lo).max() / 2 * (1 + pad) + 1e-9
    return (float(min(centre - half)), float(max(centre + half)))


class TrainingSession:
    def __init__(self, config: Config, data: Dataset = None, initial_params=None):
        self.config = validated(config, own_data=data is not None)
        self.initial_config = self.config                   # before any mid-run change
        c = self.config
        self.data = data or make_dataset(c.dataset, c.samples, c.noise, c.test_fraction, c.seed,
                                         c.classes, c.formula)
        check_labels(self.data, c)
        # The output layer, fixed for the session (problem and classes are not TUNABLE):
        # "sigmoid" (2 classes), "softmax" (3 to 6) or "linear" (regression); its units
        self.output = c.output
        self.units = c.classes if self.output == "softmax" else 1
        self.dtype = np.dtype(c.precision)
        # float64 trains with network.py, in the tutorial's order of operations, so the
        # tutorial's numbers come out digit for digit; float32 with its fast twin, fast.py
        self.exact = self.dtype == np.float64
        self.X, self.y = self._inputs(self.data.X_train, self.data.y_train)
        self.X_test, self.y_test = self._inputs(self.data.X_test, self.data.y_test)
        if initial_params is None:
            initial_params = fast.initial_params(c.layer_sizes, c.init, c.seed, self.dtype)
        self.initial_params = [np.array(p, dtype=self.dtype) for p in initial_params]
        self.theta, self.params = fast.flat(self.initial_params)  # params: Wb views of theta
        self.layers = fast.W_and_b(self.params)             # [(W, b), ...]: views of theta
        self._theta_list = [self.theta]                     # the optimizers take lists
        self.opt_state = new_state([self.theta])
        self.rng = np.random.default_rng([c.seed, 2])       # mini-batch shuffling
        self.epoch = 0                                      # epochs completed
        self.history = History()
        self.snapshots = Snapshots()                        # for replaying the run
        self.diverged = ""                                  # the reason, once it happens
        self.best_loss = math.inf                           # lowest training loss checked
        self.started = None                                 # (epoch, loss) of the last (re)start
        self.changes = []                                   # [(epoch, {setting: value})]
        self.bounds = data_bounds(np.concatenate([self.data.X_train, self.data.X_test]))
        self._workspaces, self._kept = {}, {}               # _kept: id -> (points, inputs)
        self._predicting = {}                               # fast.predict's arrays, kept

    def _inputs(self, X, y):
        """Raw points -> network inputs (fast.py's with the ones column), and targets:
        (n, 1) labels or values, or (n, K) one-hot rows for softmax."""
        X = expand(X, self.config.features)
        X = np.ascontiguousarray(X, self.dtype) if self.exact else fast.with_ones(X, self.dtype)
        return X, targets(y, self.output, self.config.classes, self.dtype)

    def _workspace(self, n, purpose="eval"):
        """Arrays for n points; training and evaluation keep separate ones, since an
        evaluation happens between a training step's forward and backward passes."""
        if (n, purpose) not in self._workspaces:
            self._workspaces[n, purpose] = (network.Workspace(self.layers, n) if self.exact
                                            else fast.Workspace(self.params, n))
        return self._workspaces[n, purpose]

    def _outputs(self, X, params=None):
        """Outputs for network inputs X, with the current or the given (folded) parameters:
        (n,) for one output unit, (n, K) for softmax."""
        params = self.params if params is None else params
        act, out = self.config.activation, self.output
        if self.exact:
            a = network.predict(fast.W_and_b(params), X, act, out)
        else:
            keep = self._predicting if params is self.params else None
            a = fast.predict(params, X, act, output=out, workspaces=keep)
        return a if out == "softmax" else a[:, 0]

    # -- reading the state ---------------------------------------------------------
    @property
    def done(self):
        return bool(self.diverged) or self.epoch >= self.config.epochs

    def _forward(self, X):
        """(a, z) of the output layer for network inputs X, on an evaluation workspace."""
        ws = self._workspace(len(X))
        return ws.forward(X, self.config.activation, self.output), ws.z[-1]

    def _measure(self, X, y, a=None, z=None):
        """(loss, accuracy) of the current parameters on (X, y); reuse a, z if known.
        Regression has no accuracy (nan)."""
        if len(y) == 0:
            return math.nan, math.nan
        if a is None:
            a, z = self._forward(X)
        entry = LOSSES[self.config.loss]
        with np.errstate(all="ignore"):
            loss = (entry.value if self.exact else entry.fast_value)(y, a, z)
            if self.output == "linear":
                return loss, math.nan
            if self.output == "sigmoid":
                return loss, float(np.count_nonzero((a > 0.5) == (y > 0.5))) / len(y)
            return loss, float(np.count_nonzero(a.argmax(1) == y.argmax(1))) / len(y)

    def evaluate(self) -> Metrics:
        """Loss and accuracy of the current parameters on the train and test points; R^2
        for regression, accuracy per class for classification."""
        with np.errstate(all="ignore"):
            (*train, per_train), (*test, per_test) = (
                self._measure_all(self.X, self.y, self.data.y_train),
                self._measure_all(self.X_test, self.y_test, self.data.y_test))
            if self.output == "linear":
                return Metrics(*train, *test, r_squared(train[0], self.data.y_train),
                               r_squared(test[0], self.data.y_test))
            return Metrics(*train, *test, train_class_accuracy=per_train,
                           test_class_accuracy=per_test)

    def _measure_all(self, X, y, labels):
        """(loss, accuracy, accuracy per class) from one forward pass."""
        if len(y) == 0:
            return math.nan, math.nan, ()
        a, z = self._forward(X)
        per_class = () if self.output == "linear" else per_class_accuracy(
            class_labels(a, self.output), labels, self.config.classes)
        return (*self._measure(X, y, a, z), per_class)

    def predict(self, X, params=None, keep=False):
        """For raw points X (n, 2): the probability of class 1 (n,), of each class (n, K)
        with 3 or more classes, or the predicted value (n,) for regression; with the
        current parameters or the given ones (a snapshot's, folded). `keep`: see
        `_network_inputs`."""
        return self._outputs(self._network_inputs(X, keep), params)

    def activations(self, X, keep=False):
        """Every layer's activations for raw points X: [(n, units), ..., (n, K or 1)],
        the hidden layers' and the output's (`keep`: see `_network_inputs`)."""
        act, out, Xn = self.config.activation, self.output, self._network_inputs(X, keep)
        if self.exact:
            with np.errstate(all="ignore"):
                return network.forward(self.layers, Xn, act, output=out)[1].a
        return fast.layer_outputs(self.params, Xn, act, out, self._predicting)

    def _network_inputs(self, X, keep=False):
        """Raw points -> the network's inputs. `keep`: X is a read-only array that will be
        asked about again (the plane's grid, every frame), so its inputs are made once and
        kept: making them costs more than the forward pass over them."""
        if keep and id(X) in self._kept:
            return self._kept[id(X)][1]
        if keep and (not isinstance(X, np.ndarray) or X.flags.writeable):
            raise ValueError("points kept between calls must be a read-only array")
        inputs = self._inputs(np.asarray(X, float), np.empty(0))[0]
        if keep:
            if len(self._kept) >= KEPT:
                del self._kept[next(iter(self._kept))]          # the oldest
            self._kept[id(X)] = (X, inputs)     # X held here, so its id stays its own
        return inputs

    def gradients(self):
        """[(dW, db), ...] in W_and_b order: the gradient of the mean loss over the whole
        training set at the current weights, as this run's optimizer would get it
        (regularization included; the tutorial's summed delta rule when the run uses it).
        Computed on arrays of its own: the run is not changed."""
        return [(dW.copy(), db.copy()) for dW, db in self.full_pass().grads]

    def full_pass(self):
        """A workspace after forward and backward over the whole training set at the current
        weights: every layer's z, a and delta, and the gradient, flat (`grad`) and by layer
        (`grads`), regularization included. Its arrays are its own: the run is not changed."""
        c, ws = self.config, self._workspace(len(self.y), "full pass")
        with np.errstate(all="ignore"):
            ws.forward(self.X, c.activation, self.output)
            ws.backward(self.X, self.y, c.activation, c.loss, c.delta_rule, self.output)
            network.add_penalty(self.layers, ws.grads, c.regularization, c.reg_rate)
        return ws

    # -- training ------------------------------------------------------------------
    def _step(self):
        """One epoch: full batch, or mini-batches in a fresh seeded order."""
        c, X, y = self.config, self.X, self.y
        if self.snapshots.due(self.epoch):
            self.snapshots.add(self.epoch, self.theta)
        if c.batch_size == 0 or c.batch_size >= len(y):
            ws = self._workspace(len(y), "train")
            a = ws.forward(X, c.activation, self.output)
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
        forward, update, act, out = ws.forward, self._update, c.activation, self.output
        for i in range(0, len(y), size):
            Xb, yb = Xs[i:i + size], ys[i:i + size]
            if len(yb) != ws.n:
                ws = self._workspace(len(yb), "train")
                forward = ws.forward
            forward(Xb, act, out)
            update(Xb, yb, ws)
        self.epoch += 1

    def _record(self, a=None, z=None):
        self.history.add(self.epoch, *self._measure(self.X, self.y, a, z),
                         *self._measure(self.X_test, self.y_test))

    def _update(self, X, y, ws):
        c = self.config
        grad = ws.backward(X, y, c.activation, c.loss, c.delta_rule, self.output)
        if c.regularization != "none":
            network.add_penalty(self.layers, ws.grads, c.regularization, c.reg_rate)
        OPTIMIZERS[c.optimizer].step(self._theta_list, [grad], self.opt_state, c.lr)

    def _trouble(self):
        """(why, loss): why the current state is not a good one ("" when it is), and the
        training loss it measured (NaN when the weights are not finite): weights or loss
        not finite, or the loss blown up, BLOW_UP times above its best and above the loss
        of answering by chance (a run can climb there and stay, finite but ruined)."""
        if not np.isfinite(self.theta).all():
            return "the weights stopped being finite numbers (NaN or infinity)", math.nan
        loss = self._measure(self.X, self.y)[0]
        if not math.isfinite(loss):
            return "the loss stopped being a finite number (NaN or infinity)", loss
        if loss > BLOW_UP * self.best_loss and loss > self._chance_loss():
            return (f"the loss blew up to {loss:.4g}, more than {BLOW_UP} times its best "
                    f"({self.best_loss:.4g})"), loss
        self.best_loss = min(self.best_loss, loss)
        return "", loss

    def _judge(self, loss):
        """Stop the run here if it has failed (see `has_failed`), with advice. `loss`: the
        training loss now, as _trouble measured it."""
        since, now = self.started
        if self.epoch - since < FAILED_FOR:
            return
        epochs, losses = self.history.column("epoch"), self.history.column("train_loss")
        # has_failed reads only the start and the last FAILED_FOR epochs: hand it those
        # rows (found by bisection), not the whole history, which cost more than a small
        # network's frame of epochs at every advance
        first = np.searchsorted(epochs, max(since, self.epoch - FAILED_FOR), side="right")
        last = np.searchsorted(epochs, self.epoch, side="left")
        chance = self._chance_loss()
        recent = slice(first, last)
        if has_failed([since, *epochs[recent].tolist(), self.epoch],
                      [now, *losses[recent].tolist(), loss], chance):
            self.diverged = (
                f"Training failed by epoch {self.epoch:,}: over most of the last {FAILED_FOR} "
                f"epochs the loss was well above where it started ({now:.3g}) and above "
                f"chance ({chance:.3g}); it is {loss:.3g} now. " + self._advice())

    def _chance_loss(self):
        """The loss of answering by chance at every training point: probability 1/K for
        each class (z = 0: 0.25 for mse, ln 2 for bce, ln K for ce), or for regression
        the mean target everywhere (the targets' variance)."""
        z = np.zeros_like(self.y)
        if self.output == "linear":
            z += self.y.mean()
        a = OUTPUTS[self.output].f(z.copy())
        return LOSSES[self.config.loss].value(self.y, a, z)

    def advance(self, k, deadline=None):
        """Run up to k epochs (fewer at the end of the run, on divergence, or once
        time.perf_counter() passes `deadline`); returns the number run.

        Health (finite weights and loss, no blow-up: see `_trouble`) is checked once at the
        end, not every epoch (that would cost more than a small network's step). A diverged
        stretch is rolled back and replayed one checked epoch at a time, so the run stops
        at its last good state, with a reason.
        """
        k = 0 if self.diverged else max(0, min(int(k), self.config.epochs - self.epoch))
        if k == 0:
            return 0
        start, saved = self.epoch, self.checkpoint()
        with np.errstate(all="ignore"):
            if self.best_loss == math.inf:                  # the loss to stay near
                self.best_loss = self._measure(self.X, self.y)[0]
            if self.started is None:                        # the loss to get below
                self.started = (self.epoch, self._measure(self.X, self.y)[0])
            for _ in range(k):
                self._step()
                if deadline is not None and time.perf_counter() > deadline:
                    break
            trouble, loss = self._trouble()
            if not trouble or not self._lasts(loss):
                self._judge(loss)
                return self.epoch - start
            stop = self.epoch
            self.rewind(saved)
            while self.epoch < stop:
                before = self.checkpoint()
                self._step()
                trouble, loss = self._trouble()
                if trouble and self._lasts(loss):
                    self.rewind(before)
                    self._diverge(trouble)
                    break
        return self.epoch - start

    def _lasts(self, loss):
        """Whether the trouble _trouble found now (with this loss) lasts. Weights or loss
        not finite always do. A blown-up loss lasts unless, within BLOW_UP_FOR epochs, it
        is back near its best (BACK times) or below chance: a spike that the next steps
        undo (circles at lr 0.3 has one of 4 epochs), not a run bouncing between blown up
        and merely bad. Those epochs are a look ahead, taken back after, so that such a
        spike stops no run wherever its calls of advance happen to end (a crowded
        server's frames are a few epochs each), and advance still runs at most k."""
        if not math.isfinite(loss):
            return True
        here, best = self.checkpoint(), self.best_loss
        try:
            for _ in range(BLOW_UP_FOR):
                if self.epoch >= self.config.epochs:
                    return True         # the run ends blown up: its last good state is kept
                self._step()
                trouble, loss = self._trouble()
                if not trouble and loss <= max(BACK * self.best_loss, self._chance_loss()):
                    return False
            return True
        finally:
            self.rewind(here)
            self.best_loss = best

    def advance_for(self, seconds, max_epochs=10**9):
        """Train for about `seconds` of wall time (the app's time cap per redraw)."""
        return self.advance(max_epochs, deadline=time.perf_counter() + seconds)

    def checkpoint(self):
        """The state training continues from (weights, optimizer, shuffling, epoch)."""
        return (self.theta.copy(), copy.deepcopy(self.opt_state),
                copy.deepcopy(self.rng.bit_generator.state), self.epoch)

    def rewind(self, saved):
        """Back to a checkpoint of this run: later history and snapshots are dropped."""
        theta, opt_state, rng_state, epoch = saved
        self.theta[...] = theta
        self.opt_state = copy.deepcopy(opt_state)
        self.rng.bit_generator.state = rng_state
        self.epoch = epoch
        self.history.truncate(epoch)
        self.snapshots.truncate(epoch)
        if self.started and self.started[0] > epoch:
            self.started = None

    def _diverge(self, trouble):
        self.diverged = (
            f"Training diverged at epoch {self.epoch + 1:,}: {trouble}. The last good state, epoch "
            f"{self.epoch:,}, is kept. " + self._advice())

    def _advice(self):
        """What to change, most likely first: the learning rate, into GOOD_LR's range."""
        c = self.config
        high = min(GOOD_LR[c.optimizer][1], c.lr / 10)
        low = min(GOOD_LR[c.optimizer][0], high / 10)
        advice = [f"press Reset and lower the learning rate (now {c.lr:g}) to between "
                  f"{low:g} and {high:g}"]
        if c.activation in ("relu", "leaky-relu", "linear"):
            advice.append("use tanh or sigmoid, whose outputs stay bounded")
        if c.optimizer != "sgd":
            advice.append("try plain gradient descent")
        if 0 < c.batch_size < 10:
            advice.append("use larger batches")
        return "To fix it, " + ", or ".join(advice) + "."

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
        if "loss" in changed:
            self.best_loss = math.inf                       # losses on another scale
        if set(changed) - {"epochs"}:
            self.started = None                             # judged afresh from here
        self.config = new
        self.changes.append((self.epoch, changed))
        if self.diverged and ("lr" in changed or "optimizer" in changed):
            self.diverged = ""
