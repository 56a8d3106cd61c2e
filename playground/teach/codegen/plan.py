"""The plan of an exported program: the settings in force over a run, and so what the
generated code must handle (which losses, optimizers, penalties, batch modes) and which
arithmetic it copies."""
PREDICT_CHUNK = 2048     # fast.predict's chunk: predictions past it are computed apart


def _unique(items):
    return tuple(dict.fromkeys(items))


class Plan:
    """The settings in force over a run (its first config, then each change) and so what
    the generated code must handle: which losses, optimizers, penalties, batch modes."""

    def __init__(self, config, changes=(), n_train=None, epochs=None, app_arithmetic=None):
        self.config, self.epochs = config, config.epochs if epochs is None else epochs
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

    def train_args(self):
        """train_network's arguments: the settings its loop reads."""
        return (["X", "y", "epochs", "learning_rate"] + ["batch_size"] * self.mini_batch +
                ["optimizer"] * (len(self.optimizers) > 1) +
                ["loss_name"] * (len(self.losses) > 1) +
                ["regularization"] * self.penalty_varies + ["reg_rate"] * bool(self.penalties))

