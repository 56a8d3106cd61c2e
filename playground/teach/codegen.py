"""`script`: a standalone NumPy program in the tutorial's style that reproduces a run.

The program is built from code pieces (`forward_code`, `backward_code`, ...) that
`mathview.tutorial_code` shares. Its arithmetic follows the app's, operation for operation
(playground/activations.py, losses.py, optimizers.py, network.py), so that a float32 run
comes out bit for bit: a 1-ulp difference in one weight is enough to move a chaotic run
(ReLU with momentum, Adam at a high rate) by 1e-3 after a few hundred epochs. That takes
two things a textbook would not write, both explained in the program: the bias folded into
the product, z = [a, 1] @ [W; b], and every product in the app's memory layout (`dot`),
because BLAS rounds its sums differently for column-major and row-major arrays. The
tutorial's own run (float64, summed delta rule) keeps the tutorial's plain z = a @ W + b.
"""
import textwrap

import numpy as np

from ..activations import LABELS as ACTIVATION_LABELS
from ..config import validated
from ..losses import LABELS as LOSS_LABELS
from ..network import W_and_b
from ..optimizers import LABELS as OPTIMIZER_LABELS

LOG_EVERY = 100          # the tutorial prints the loss every 100 epochs
PREDICT_CHUNK = 2048     # network.predict's chunk: predictions past it are computed apart


# -- what the code must handle over a run -------------------------------------------------
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
        self.losses = _unique(c.loss for c in configs)
        self.optimizers = _unique(c.optimizer for c in configs)
        kinds = _unique(c.regularization for c in configs)
        self.penalties = tuple(k for k in kinds if k != "none")
        self.penalty_varies = len(kinds) > 1
        self.stateful = any(o != "sgd" for o in self.optimizers)
        if app_arithmetic is None:      # see the module's docstring
            app_arithmetic = not (config.precision == "float64" and config.delta_rule)
        self.app = app_arithmetic

    def train_args(self):
        """train_network's arguments: the settings its loop reads."""
        return (["X", "y", "epochs", "learning_rate"] + ["batch_size"] * self.mini_batch +
                ["optimizer"] * (len(self.optimizers) > 1) +
                ["loss_name"] * (len(self.losses) > 1) +
                ["regularization"] * self.penalty_varies + ["reg_rate"] * bool(self.penalties))


# -- code pieces, in the tutorial's style -------------------------------------------------
def _code(text, indent=0):
    return textwrap.indent(textwrap.dedent(text).strip("\n"), " " * indent) + "\n"


def _join(parts):
    """Top-level definitions, two blank lines apart."""
    return "\n\n".join(p.rstrip("\n") + "\n" for p in parts if p)


def py_name(activation):
    """The Python function name of an activation: leaky-relu -> leaky_relu."""
    return activation.replace("-", "_")


ACTIVATION_CODE = {
    "sigmoid": '''
        def sigmoid(x):
            return 1 / (1 + np.exp(-x))

        def sigmoid_derivative(x):
            # Written with the output x = sigmoid(z), as the tutorial does
            return x * (1 - x)
        ''',
    "tanh": '''
        def tanh(x):
            return np.tanh(x)

        def tanh_derivative(x):
            # tanh'(z) = 1 - tanh(z)^2, written with the output x = tanh(z)
            return 1 - x ** 2
        ''',
    "relu": '''
        def relu(x):
            return np.maximum(x, 0)

        def relu_derivative(x):
            # 1 where the unit is active (its output x = relu(z) is above 0), else 0
            return (x > 0).astype(x.dtype)
        ''',
    "leaky-relu": '''
        def leaky_relu(x):
            return np.maximum(x, 0.01 * x)

        def leaky_relu_derivative(x):
            # 1 where the output x = leaky_relu(z) is above 0, else the slope 0.01
            return np.where(x > 0, 1.0, 0.01).astype(x.dtype)
        ''',
    "linear": '''
        def linear(x):
            return x

        def linear_derivative(x):
            return np.ones_like(x)
        ''',
}

APP_PRODUCT_CODE = '''
    def with_ones(a):
        # [a, 1]: a layer's inputs (n, k) and a column of ones, (n, k + 1). The bias is the
        # weight of this always-1 input, so z = a @ W + b is one product, [a, 1] @ [W; b],
        # and one product gives both gradients: [a, 1].T @ delta is dW above db.
        out = np.ones((len(a), a.shape[1] + 1), dtype=DTYPE, order='F')
        out[:, :-1] = a
        return out


    def dot(A, B):
        # A @ B, computed as the app computes it: as (B.T @ A.T).T, which leaves the result
        # column-major (order='F'), like every array the app works in. NumPy hands each
        # product to BLAS, whose sums round differently depending on how the arrays lie in
        # memory; doing it the app's way makes every float32 number come out bit for bit.
        return np.dot(B.T, A.T).T
    '''


def activation_code(activation):
    """sigmoid (the output unit's) and the hidden layers' activation, with derivatives."""
    return _join(_code(ACTIVATION_CODE[name]) for name in _unique(["sigmoid", activation]))


def _unpack(layers, names=("W", "b")):
    return "".join("    " + ", ".join(f"{n}{l}" for n in names) + " = " +
                   ", ".join(f"network['{n}{l}']" for n in names) + "\n"
                   for l in range(1, layers + 1))


def _cache_names(layers):
    return ", ".join(f"z{l}, a{l}" for l in range(1, layers + 1))


def forward_code(plan):
    """forward_propagation: z = a @ W + b and a = f(z) per layer, sigmoid at the output."""
    L, f = plan.layers, py_name(plan.activation)
    body = ["def forward_propagation(network, X):\n", _unpack(L)]
    for l in range(1, L + 1):
        src = "X" if l == 1 else f"a{l - 1}"
        title = ("Input" if l == 1 else f"Hidden layer {l - 1}") + " to " + \
            ("output layer" if l == L else f"hidden layer {l}")
        if plan.app:
            ext = "X" if l == 1 else f"with_ones({src})"
            title += " (X already ends with its column of ones)" * (l == 1)
            z = f"dot({ext}, np.vstack([W{l}, b{l}]))  # = {src} @ W{l} + b{l}"
        else:
            z = f"np.dot({src}, W{l}) + b{l}"
        body.append(f"\n    # {title}\n    z{l} = {z}\n"
                    f"    a{l} = {'sigmoid' if l == L else f}(z{l})\n")
    body.append(f"\n    cache = ({_cache_names(L)})\n    return a{L}, cache\n")
    return "".join(body)


LOSS_CODE = {
    "mse": '''
        def {name}(y_true, y_pred):
            # Mean squared error, the tutorial's loss
            return np.mean((y_true - y_pred) ** 2)
        ''',
    "mse-app": '''
        def {name}(y_true, y_pred):
            # Mean squared error, the tutorial's loss: the sum of the squared errors, as one
            # dot product (the app's way of summing), divided by the number of points
            errors = (y_true - y_pred).ravel()
            return float(np.dot(errors, errors)) / len(errors)
        ''',
    "bce": '''
        def {name}(y_true, z_out):
            # Binary cross-entropy, the mean over the points, written with the output unit's
            # z (its prediction is a = sigmoid(z)): log(1 + e^z) - y z is the same number as
            # -[y log(a) + (1 - y) log(1 - a)], but never takes log(0). Summed as the app sums.
            total = np.sum(np.logaddexp(0, z_out)) - np.dot(y_true.ravel(), z_out.ravel())
            return float(total) / len(y_true)
        ''',
}


def loss_code(plan):
    """compute_loss for one loss; for several, one function each and a compute_loss that
    picks by name (the run changed its loss midway)."""
    code = lambda name: LOSS_CODE["mse-app" if plan.app and name == "mse" else name]
    if len(plan.losses) == 1:
        return _code(code(plan.losses[0]).replace("{name}", "compute_loss"))
    parts = [_code(code(name).replace("{name}", f"{name}_loss")) for name in plan.losses]
    return _join(parts + [_code('''
        def compute_loss(y_true, y_pred, z_out, loss_name):
            if loss_name == 'bce':
                return bce_loss(y_true, z_out)
            return mse_loss(y_true, y_pred)
        ''')])


def loss_call(plan, y="y"):
    """How compute_loss is called, after forward_propagation gave y_pred and cache."""
    if len(plan.losses) > 1:
        return f"compute_loss({y}, y_pred, cache[-2], loss_name)"
    second = "cache[-2]" if plan.losses[0] == "bce" else "y_pred"    # bce takes the output's z
    return f"compute_loss({y}, {second})"


def _output_delta(L, loss, delta_rule, indent):
    if delta_rule:
        text = f'''
            # The tutorial's delta rule: its output_delta = (y - a{L}) * sigmoid_derivative(a{L})
            # with the sign flipped to make it a gradient (the tutorial adds learning_rate * dW,
            # we subtract), summed over the points, not averaged
            delta{L} = (a{L} - y) * sigmoid_derivative(a{L})
            '''
    elif loss == "mse":
        text = f'''
            # Output layer delta: d(mean squared error)/d(z{L}) = 2 (a{L} - y) / n * sigmoid'
            # (2 / n is one number, multiplied in, as the app does)
            delta{L} = (a{L} - y) * (2 / len(y)) * sigmoid_derivative(a{L})
            '''
    else:
        text = f'''
            # Output layer delta: d(cross-entropy)/d(z{L}) = (a{L} - y) / n: the sigmoid's
            # derivative cancels the log's (1 / n is one number, multiplied in, as the app does)
            delta{L} = (a{L} - y) * (1 / len(y))
            '''
    return _code(text, indent)


def backward_code(plan):
    """backward_propagation: the output delta for the loss, each hidden delta back through
    the next W, then every dW and db (gradients of the loss, to be subtracted)."""
    L, f = plan.layers, py_name(plan.activation)
    many = len(plan.losses) > 1
    body = ["def backward_propagation(network, cache, X, y" + ", loss_name" * many + "):\n",
            _unpack(L, ("W",)), f"    {_cache_names(L)} = cache\n\n"]
    if many:
        body += ["    if loss_name == 'mse':\n", _output_delta(L, "mse", plan.delta_rule, 8),
                 "    else:\n", _output_delta(L, "bce", False, 8)]
    else:
        body.append(_output_delta(L, plan.losses[0], plan.delta_rule, 4))
    product = "dot" if plan.app else "np.dot"
    for l in range(L - 1, 0, -1):
        body.append(f"\n    # Hidden layer {l} delta: the error sent back through W{l + 1}, "
                    f"times {f}'\n"
                    f"    delta{l} = {product}(delta{l + 1}, W{l + 1}.T) * {f}_derivative(a{l})\n")
    for l in range(L, 0, -1):
        src = "X" if l == 1 else f"a{l - 1}"
        if plan.app:
            ext = "X" if l == 1 else f"with_ones({src})"
            body.append(f"\n    # Gradient for W{l} and b{l}: [{src}, 1].T @ delta{l} holds "
                        f"dW{l} = {src}.T @ delta{l}\n"
                        f"    # above db{l} = the sum of delta{l} over the points\n"
                        f"    dWb{l} = np.dot({ext}.T, delta{l})\n"
                        f"    dW{l}, db{l} = dWb{l}[:-1], dWb{l}[-1:]\n")
        else:
            body.append(f"\n    # Gradient for W{l} and b{l}\n"
                        f"    dW{l} = np.dot({src}.T, delta{l})\n"
                        f"    db{l} = np.sum(delta{l}, axis=0, keepdims=True)\n")
    names = ", ".join(f"'d{n}{l}': d{n}{l}" for l in range(1, L + 1) for n in "Wb")
    body.append(f"\n    gradients = {{{names}}}\n    return gradients\n")
    return "".join(body)


PENALTY_CODE = {
    "l2": '''
        def add_l2_penalty(network, gradients, reg_rate):
            # L2 regularization adds reg_rate * sum(W^2) / 2 to the loss, so reg_rate * W to
            # each weight's gradient. Biases are not penalized.
            for name in network:
                if name.startswith('W'):
                    gradients['d' + name] += reg_rate * network[name]
            return gradients
        ''',
    "l1": '''
        def add_l1_penalty(network, gradients, reg_rate):
            # L1 regularization adds reg_rate * sum(|W|) to the loss, so reg_rate * sign(W)
            # to each weight's gradient. Biases are not penalized.
            for name in network:
                if name.startswith('W'):
                    gradients['d' + name] += reg_rate * np.sign(network[name])
            return gradients
        ''',
}

STATE_CODE = '''
    def new_optimizer_state(network):
        # The optimizer's memory, empty at the start: a step count t and, per parameter,
        # momentum's velocity v and Adam's running means m (of the gradient), s (of its square)
        zeros = lambda: {name: np.zeros_like(p) for name, p in network.items()}
        return {'t': 0, 'v': zeros(), 'm': zeros(), 's': zeros()}
    '''

UPDATE_CODE = {
    "sgd": '''
        def {name}(network, gradients, learning_rate):
            # Gradient descent: move every parameter against its gradient. (The tutorial
            # writes += because its deltas are the negative of the gradient.)
            for name in network:
                network[name] -= learning_rate * gradients['d' + name]
            return network
        ''',
    "momentum": '''
        def {name}(network, gradients, learning_rate, state):
            # Momentum 0.9, in PyTorch's form: v = 0.9 v + gradient; parameter -= learning_rate * v
            for name in network:
                state['v'][name] = 0.9 * state['v'][name] + gradients['d' + name]
                network[name] -= learning_rate * state['v'][name]
            return network
        ''',
    "adam": '''
        def {name}(network, gradients, learning_rate, state):
            # Adam (beta1 0.9, beta2 0.999, eps 1e-8) with bias correction, in PyTorch's order
            state['t'] += 1
            t = state['t']
            step_size = learning_rate / (1 - 0.9 ** t)
            bias_correction2 = np.sqrt(1 - 0.999 ** t)
            for name in network:
                g = gradients['d' + name]
                m = state['m'][name] = 0.9 * state['m'][name] + (1 - 0.9) * g         # mean of g
                s = state['s'][name] = 0.999 * state['s'][name] + (1 - 0.999) * g ** 2  # of g^2
                denom = np.sqrt(s)
                denom /= bias_correction2      # in place, so it stays in DTYPE, as in the app
                denom += 1e-8
                network[name] -= step_size * (m / denom)
            return network
        ''',
}


def update_code(plan):
    """update_parameters for one optimizer; for several, one function each and an
    update_parameters that picks by name."""
    if len(plan.optimizers) == 1:
        return _code(UPDATE_CODE[plan.optimizers[0]].replace("{name}", "update_parameters"))
    parts = [_code(UPDATE_CODE[o].replace("{name}", f"{o}_update")) for o in plan.optimizers]
    pick = ["def update_parameters(network, gradients, learning_rate, state, optimizer):\n"]
    for o in plan.optimizers:
        args = "network, gradients, learning_rate" + ", state" * (o != "sgd")
        pick.append(f"    if optimizer == '{o}':\n        return {o}_update({args})\n")
    return _join(parts + ["".join(pick) + "    raise ValueError(optimizer)\n"])


def _update_call(plan):
    if len(plan.optimizers) > 1:
        return "update_parameters(network, gradients, learning_rate, state, optimizer)"
    return "update_parameters(network, gradients, learning_rate" + \
        ", state" * plan.stateful + ")"


def _step_code(plan, X, y, indent, comments=True):
    """backward, regularization, update: the tail of one training step."""
    backward = (f"gradients = backward_propagation(network, cache, {X}, {y}"
                + ", loss_name" * (len(plan.losses) > 1) + ")")
    penalties = []
    for kind in plan.penalties:
        call = f"gradients = add_{kind}_penalty(network, gradients, reg_rate)"
        penalties += ([f"if regularization == '{kind}':", "    " + call] if plan.penalty_varies
                      else [call])
    update = f"network = {_update_call(plan)}"
    if not comments:
        lines = [backward] + penalties + [update]
    else:
        lines = (["# Backward propagation", backward, ""] +
                 (["# Regularization"] + penalties + [""]) * bool(penalties) +
                 ["# Update parameters", update])
    return "".join(" " * indent + line + "\n" if line else "\n" for line in lines)


def _full_batch_code(plan, indent):
    return _code(f'''
        # Forward propagation
        y_pred, cache = forward_propagation(network, X)

        # Compute loss
        loss = {loss_call(plan)}
        if epoch % {LOG_EVERY} == 0:
            print(f'Epoch {{epoch}}, Loss: {{loss}}')
        ''', indent) + "\n" + _step_code(plan, "X", "y", indent)


def _mini_batch_code(plan, indent):
    return _code(f'''
        if epoch % {LOG_EVERY} == 0:
            # The loss on the whole training set, before this epoch's updates
            y_pred, cache = forward_propagation(network, X)
            loss = {loss_call(plan)}
            print(f'Epoch {{epoch}}, Loss: {{loss}}')

        # A new random order of the points every epoch, then one update per mini-batch
        order = rng.permutation(len(X))
        X_shuffled, y_shuffled = X[order], y[order]
        for start in range(0, len(X), batch_size):
            X_batch = X_shuffled[start:start + batch_size]
            y_batch = y_shuffled[start:start + batch_size]
            y_pred, cache = forward_propagation(network, X_batch)
        ''', indent) + _step_code(plan, "X_batch", "y_batch", indent + 4, comments=False)


SCRIPT_NAMES = {"lr": "learning_rate", "optimizer": "optimizer", "batch_size": "batch_size",
                "loss": "loss_name", "regularization": "regularization", "reg_rate": "reg_rate"}


def _changes_code(plan, indent):
    if not plan.changes:
        return ""
    lines = ["# Settings changed in the app during the run, replayed at the same epochs"]
    for epoch, changed in plan.changes:
        lines.append(f"if epoch == {epoch}:")
        for key, value in changed.items():
            if key not in SCRIPT_NAMES:     # epochs: this program runs the epochs run
                lines.append(f"    pass  # the app's {key} became {value!r}")
                continue
            lines.append(f"    {SCRIPT_NAMES[key]} = {value!r}")
            if key == "optimizer":
                lines.append("    state = new_optimizer_state(network)  "
                             "# a new optimizer starts with empty memory")
    return "".join(" " * indent + line + "\n" for line in lines) + "\n"


def _signature(name, args, indent=4):
    return "\n".join(textwrap.wrap(f"def {name}({', '.join(args)}):", 88,
                                   subsequent_indent=" " * (len(name) + 5)))


def train_code(plan):
    """train_network: the tutorial's loop, plus mini-batches, regularization and the
    run's mid-run changes when it has them."""
    head = [_signature("train_network", plan.train_args()), "    network = initialize_network()"]
    head += ["    state = new_optimizer_state(network)"] * plan.stateful
    head += ["    rng = np.random.default_rng([seed, 2])  # the app's shuffling"] * plan.mini_batch
    body = _changes_code(plan, 8)
    if plan.full_batch and plan.mini_batch:
        body += ("        if batch_size == 0 or batch_size >= len(X):  # the whole set at once\n"
                 + _full_batch_code(plan, 12) + "        else:\n" + _mini_batch_code(plan, 12))
    else:
        body += _full_batch_code(plan, 8) if plan.full_batch else _mini_batch_code(plan, 8)
    return "\n".join(head + ["    for epoch in range(epochs):"]) + "\n" + body + \
        "\n    return network\n"


def predict_code(plan):
    if plan.n_train is None or plan.n_train <= PREDICT_CHUNK:
        return _code('''
            def predict(network, X):
                y_pred, _ = forward_propagation(network, X)
                return y_pred
            ''')
    return _code(f'''
        def predict(network, X):
            # {PREDICT_CHUNK} points at a time, as the app predicts (the last digits depend on it)
            parts = [forward_propagation(network, X[i:i + {PREDICT_CHUNK}])[0]
                     for i in range(0, len(X), {PREDICT_CHUNK})]
            return np.concatenate(parts)
        ''')


def functions_code(plan):
    """Every function of the program but initialize_network, in the tutorial's order."""
    parts = [activation_code(plan.activation), _code(APP_PRODUCT_CODE) if plan.app else "",
             forward_code(plan), loss_code(plan), backward_code(plan)]
    parts += [_code(PENALTY_CODE[kind]) for kind in plan.penalties]
    parts += [_code(STATE_CODE) if plan.stateful else "", update_code(plan), train_code(plan),
              predict_code(plan)]
    return _join(parts)


# -- the standalone script ----------------------------------------------------------------
INIT_LABELS = {"randn": "the tutorial's np.random.randn", "xavier": "Xavier (Glorot normal)",
               "he": "He"}


def describe(config, n_train=None, n_test=None):
    """One sentence naming every setting of a config."""
    c = config
    sizes = "-".join(str(s) for s in [len(c.features), *c.hidden, 1])
    points = "" if n_train is None else f"{n_train} training points, {n_test} test points, "
    loss = LOSS_LABELS[c.loss].lower() + " loss" + \
        ", updated by the tutorial's summed delta rule" * c.delta_rule
    batch = "full batch" if c.batch_size == 0 else f"mini-batches of {c.batch_size}"
    reg = "no regularization" if c.regularization == "none" else \
        f"{c.regularization.upper()} regularization at rate {c.reg_rate:g}"
    return (f"{c.dataset} ({points}noise {c.noise:g}, seed {c.seed}); network {sizes} "
            f"(features {', '.join(c.features)}), {ACTIVATION_LABELS[c.activation]} hidden "
            f"units, a sigmoid output unit; {loss}; "
            f"{OPTIMIZER_LABELS[c.optimizer]}, learning rate {c.lr:g}; {batch}; "
            f"{reg}; {INIT_LABELS[c.init]} initialization; {c.precision}.")


def comment(text):
    return "".join("# " + line + "\n" for line in textwrap.wrap(text, 86)) if text else "#\n"


def _number(x, dtype=np.float64):
    """x as Python source that reads back to exactly x in dtype: float32's short form when
    it does (it nearly always does), else every digit of the float64."""
    x = np.dtype(dtype).type(x)
    short = str(x)
    return short if np.dtype(dtype).type(float(short)) == x else repr(float(x))


def _matrix(M, indent, dtype=np.float64):
    pad = " " * indent
    rows = [pad + "    [" + ", ".join(_number(x, dtype) for x in row) + "],"
            for row in np.atleast_2d(M)]
    return "[\n" + "\n".join(rows) + "\n" + pad + "]"


def _labels(y):
    text = ", ".join(str(int(v)) for v in y)
    return "[" + "\n    ".join(textwrap.wrap(text, 80)) + "]"


FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1_sq": "x1 * x1", "x2_sq": "x2 * x2",
                "x1_x2": "x1 * x2", "sin_x1": "np.sin(x1)", "sin_x2": "np.sin(x2)"}


def features_code(features):
    return _code(f'''
        def compute_features(points):
            # The network's inputs, one column per feature ({", ".join(features)}), computed
            # from the coordinates in float64, then rounded to DTYPE, as the app does
            x1, x2 = points[:, 0], points[:, 1]
            return np.stack([{", ".join(FEATURE_CODE[f] for f in features)}], axis=1).astype(DTYPE)
        ''')


def _initial_weights_code(params, config):
    dtype = params[0].dtype
    about = (f"The app's initial weights and biases, written out exactly. It drew them with "
             f"{INIT_LABELS[config.init]} initialization: "
             f"np.random.RandomState({config.seed}).randn, layer by layer, biases zero.")
    lines = ["def initialize_network():"] + \
        ["    # " + line for line in textwrap.wrap(about, 82)] + ["    network = {"]
    for l, (W, b) in enumerate(W_and_b(params), start=1):
        lines.append(f"        'W{l}': np.array({_matrix(W, 8, dtype)}, dtype=DTYPE),  "
                     f"# {W.shape}")
        lines.append(f"        'b{l}': np.zeros((1, {b.shape[1]}), dtype=DTYPE)," if not b.any()
                     else f"        'b{l}': np.array({_matrix(b, 8, dtype)}, dtype=DTYPE),")
    return "\n".join(lines + ["    }", "    return network"]) + "\n"


def settings_code(plan, ran=True):
    """The settings the program starts with, as variables (ran: epochs are those run)."""
    c = plan.config
    lines = [f"epochs = {plan.epochs}" + (f"  # the epochs the app ran (of the "
                                          f"{plan.final.epochs:,} it was set to run)") * ran,
             f"learning_rate = {c.lr!r}"]
    if plan.mini_batch:
        lines += [f"batch_size = {c.batch_size!r}  # points per update; 0 means all of them",
                  f"seed = {c.seed!r}  # seeds the shuffling, as in the app"]
    lines += [f"optimizer = {c.optimizer!r}"] * (len(plan.optimizers) > 1)
    lines += [f"loss_name = {c.loss!r}"] * (len(plan.losses) > 1)
    lines += [f"regularization = {c.regularization!r}"] * plan.penalty_varies
    lines += [f"reg_rate = {c.reg_rate!r}  # strength of the penalty on the weights"] * \
        bool(plan.penalties)
    return "\n".join(lines) + "\n"


def _header(plan, data):
    said = "; ".join(f"epoch {e}: " + ", ".join(f"{k} {v}" for k, v in ch.items())
                     for e, ch in plan.changes)
    exact = ("It does every operation as the app does, in the app's order and precision, so "
             "its numbers are the app's, bit for bit (with the same NumPy and BLAS)."
             if plan.app else "It adds each bias after the product, as the tutorial does "
             "(the app folds it into the product), so the last digits may differ from the app's.")
    paragraphs = [
        "NN Playground: one run, as a standalone NumPy script in the style of the tutorial "
        '"Implementing a Neural Network from Scratch in Python".', "",
        "The run: " + describe(plan.config, len(data.y_train), len(data.y_test)) +
        f" It ran {plan.epochs:,} epochs.",
        f"Changed during the run, replayed here at the same epochs: {said}." if said else None,
        "", "How to run it: save it as train_network.py and run `python train_network.py` "
        "(it needs only NumPy). Like the tutorial, it prints the training loss every 100 "
        "epochs, then the predictions on the training points. " + exact]
    return "".join(comment(p) for p in paragraphs if p is not None)


def _start(session):
    """(the config of the run's first epoch, the changes after it). Settings changed
    before the first epoch (as when tuning before pressing Play) are simply where it starts."""
    start = session.initial_config
    for epoch, changed in session.changes:
        if epoch == 0:
            start = start.replace(**changed)
    return validated(start), [(e, ch) for e, ch in session.changes if e > 0]


def script(session, epochs=None) -> str:
    """A standalone NumPy program, in the tutorial's style, that reproduces this run: the
    same points, initial weights and settings, session.epoch epochs (or `epochs`) with
    every mid-run change at its epoch. It prints what the tutorial prints."""
    config, changes = _start(session)
    data = session.data
    plan = Plan(config, changes, len(data.y_train), session.epoch if epochs is None else epochs)
    dtype = np.dtype(config.precision).name
    test_points = _matrix(data.X_test, 0) if len(data.y_test) else "[]"
    inputs = ("with_ones(compute_features(points_train))  # the features, then a column of ones"
              if plan.app else "compute_features(points_train)")
    preamble = _code('''
        import sys

        import numpy as np

        np.set_printoptions(floatmode='unique', threshold=sys.maxsize)  # print every digit

        DTYPE = np.{dtype}  # the app's precision: every array, so every operation, is {dtype}

        # The training points (x1, x2) and their labels, exactly as the app drew them
        points_train = np.array({train})
        labels_train = np.array({train_labels})

        # The held-out test points: the app measures its test loss on them; training never sees them
        points_test = np.array({test}).reshape(-1, 2)
        labels_test = np.array({test_labels})
        ''').format(dtype=dtype, train=_matrix(data.X_train, 0), train_labels=_labels(data.y_train),
                    test=test_points, test_labels=_labels(data.y_test))
    train_call = "\n".join(textwrap.wrap(
        f"trained_network = train_network({', '.join(plan.train_args())})", 88,
        subsequent_indent=" " * len("trained_network = train_network(")))
    main = (f"X = {inputs}\ny = labels_train.reshape(-1, 1).astype(DTYPE)\n\n" +
            settings_code(plan) + "\n# Training the network\n" + train_call + "\n\n" +
            "# Making predictions\npredictions = predict(trained_network, X)\n"
            "print(f'Predictions: \\n{predictions}')\n")
    return _header(plan, data) + "\n" + _join([
        preamble, features_code(config.features),
        _initial_weights_code(session.initial_params, config), functions_code(plan), main])
