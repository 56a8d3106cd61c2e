"""The plan of an exported program: one run described for the generators that write it,
the NumPy one here (assemble.py) and the PyTorch one (teach/torch_script.py). Both read
a `Plan`, and nothing else of the session:

- what the run started from: `data` (its points, train and test, exactly as drawn) and
  `initial_weights` ([(W, b), ...], input to output, exactly as drawn);
- its settings: `config` at the first epoch, then `changes` [(epoch, {setting: value})]
  replayed at their epochs, for `epochs` epochs; SCRIPT_NAMES names the program's
  variable for each setting a change can set;
- its mini-batch order: BATCH_ORDER, the session's generator, permutes the points anew
  every epoch;
- and so what the program must handle (which losses, optimizers, penalties, batch modes)
  and which arithmetic it copies (`app`: fast.py's, else network.py's).
"""
from ...activations import ACTIVATIONS
from ...config import validated
from ...data.formula import parse
from ...fast import W_and_b
from ...inits import INITS
from ...losses import LOSSES
from ...optimizers import OPTIMIZERS
from ...regularizations import REGULARIZATIONS

PREDICT_CHUNK = 2048     # fast.predict's chunk: predictions past it are computed apart
BATCH_ORDER = "np.random.default_rng([seed, 2])"   # as session.py seeds its shuffling
SCRIPT_NAMES = {"lr": "learning_rate", "optimizer": "optimizer", "batch_size": "batch_size",
                "loss": "loss_name", "regularization": "regularization", "reg_rate": "reg_rate"}


def _unique(items):
    return tuple(dict.fromkeys(items))


class Plan:
    """The settings in force over a run (its first config, then each change) and so what
    the generated code must handle: which losses, optimizers, penalties, batch modes.
    `of(session)` also gives it the run's data and initial weights."""

    def __init__(self, config, changes=(), n_train=None, epochs=None, app_arithmetic=None,
                 data=None, initial_weights=None):
        self.config, self.epochs = config, config.epochs if epochs is None else epochs
        self.data, self.initial_weights = data, initial_weights
        self.changes = [(e, dict(ch)) for e, ch in changes if e < self.epochs]
        configs = [config]
        for _, ch in self.changes:
            configs.append(configs[-1].replace(**ch))
        self.final, self.n_train = configs[-1], n_train
        full = [c.batch_size == 0 or (n_train is not None and c.batch_size >= n_train)
                for c in configs]
        self.full_batch, self.mini_batch = any(full), not all(full)
        self.layers = len(config.hidden) + 1
        self.activation, self.delta_rule = config.activation, config.delta_rule
        self.output, self.classes = config.output, config.classes     # the output layer
        self.losses = _unique(c.loss for c in configs)
        self.optimizers = _unique(c.optimizer for c in configs)
        kinds = _unique(c.regularization for c in configs)
        self.penalties = tuple(k for k in kinds if k != "none")
        self.penalty_varies = len(kinds) > 1
        self.stateful = any(o != "sgd" for o in self.optimizers)
        if app_arithmetic is None:      # float32 runs train with fast.py (see codegen)
            app_arithmetic = config.precision != "float64"
        self.app = app_arithmetic

    @classmethod
    def of(cls, session, epochs=None):
        """The plan of a session's run, session.epoch epochs (or `epochs`) from its start."""
        config, changes = run_start(session)
        data = session.data
        return cls(config, changes, len(data.y_train),
                   session.epoch if epochs is None else epochs,
                   data=data, initial_weights=W_and_b(session.initial_params))

    def train_args(self):
        """train_network's arguments: the settings its loop reads."""
        return (["X", "y", "epochs", "learning_rate"] + ["batch_size"] * self.mini_batch +
                ["optimizer"] * (len(self.optimizers) > 1) +
                ["loss_name"] * (len(self.losses) > 1) +
                ["regularization"] * self.penalty_varies + ["reg_rate"] * bool(self.penalties))

    def describe(self):
        """One sentence naming every setting the run started with, its points and epochs."""
        return describe(self.config, len(self.data.y_train), len(self.data.y_test)) + \
            f" It ran {self.epochs:,} epochs."

    def changes_said(self):
        """The mid-run changes as one line ("" when none)."""
        return "; ".join(f"epoch {e}: " + ", ".join(f"{k} {v}" for k, v in ch.items())
                         for e, ch in self.changes)


def run_start(session):
    """(the config of the run's first epoch, the changes after it). Settings changed
    before the first epoch (as when tuning before pressing Play) are simply where it starts."""
    start = session.initial_config
    for epoch, changed in session.changes:
        if epoch == 0:
            start = start.replace(**changed)
    return validated(start), [(e, ch) for e, ch in session.changes if e > 0]


def describe(config, n_train=None, n_test=None):
    """One sentence naming every setting of a config."""
    c = config
    units = c.classes if c.output == "softmax" else 1
    sizes = "-".join(str(s) for s in [len(c.features), *c.hidden, units])
    points = "" if n_train is None else f"{n_train} training points, {n_test} test points, "
    loss = LOSSES[c.loss].label.lower() + " loss" + \
        ", updated by the tutorial's summed delta rule" * c.delta_rule
    batch = "full batch" if c.batch_size == 0 else f"mini-batches of {c.batch_size}"
    reg = "no regularization" if c.regularization == "none" else \
        f"{REGULARIZATIONS[c.regularization].label} regularization at rate {c.reg_rate:g}"
    # a formula is named as written back from its checked tree, never as it was typed
    data = f"the formula {parse(c.formula).text}" if c.formula else c.dataset
    return (f"{data} ({points}noise {c.noise:g}, seed {c.seed}); network {sizes} "
            f"(features {', '.join(c.features)}), {ACTIVATIONS[c.activation].label} hidden "
            f"units, {OUTPUT_WORDS[c.output].format(k=c.classes)}; {loss}; "
            f"{OPTIMIZERS[c.optimizer].label}, learning rate {c.lr:g}; {batch}; "
            f"{reg}; {INITS[c.init].words} initialization; {c.precision}.")


OUTPUT_WORDS = {"sigmoid": "a sigmoid output unit",
                "softmax": "{k} softmax output units (one per class)",
                "linear": "a linear output unit (regression)"}
