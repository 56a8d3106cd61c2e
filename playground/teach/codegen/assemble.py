"""`script`: the exported program assembled: a header saying what run it reproduces, the
run's points and initial weights written out exactly, the functions (templates.py) and
the tutorial's closing lines."""
import textwrap

import numpy as np

from ...activations import ACTIVATIONS
from ...config import validated
from ...data.formula import parse
from ...fast import W_and_b
from ...losses import LOSSES
from ...optimizers import OPTIMIZERS
from .plan import Plan
from .templates import code_block, features_code, functions_code, join_definitions


# -- the standalone script ----------------------------------------------------------------
INIT_LABELS = {"randn": "the tutorial's np.random.randn", "xavier": "Xavier (Glorot normal)",
               "he": "He"}


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
        f"{c.regularization.upper()} regularization at rate {c.reg_rate:g}"
    # a formula is named as written back from its checked tree, never as it was typed
    data = f"the formula {parse(c.formula).text}" if c.formula else c.dataset
    return (f"{data} ({points}noise {c.noise:g}, seed {c.seed}); network {sizes} "
            f"(features {', '.join(c.features)}), {ACTIVATIONS[c.activation].label} hidden "
            f"units, {OUTPUT_WORDS[c.output].format(k=c.classes)}; {loss}; "
            f"{OPTIMIZERS[c.optimizer].label}, learning rate {c.lr:g}; {batch}; "
            f"{reg}; {INIT_LABELS[c.init]} initialization; {c.precision}.")


OUTPUT_WORDS = {"sigmoid": "a sigmoid output unit",
                "softmax": "{k} softmax output units (one per class)",
                "linear": "a linear output unit (regression)"}


def comment(text):
    return "".join("# " + line + "\n" for line in textwrap.wrap(text, 86)) if text else "#\n"


def number_code(x, dtype=np.float64):
    """x as Python source that reads back to exactly x in dtype: float32's short form when
    it does (it nearly always does), else every digit of the float64."""
    x = np.dtype(dtype).type(x)
    short = str(x)
    return short if np.dtype(dtype).type(float(short)) == x else repr(float(x))


def matrix_code(M, indent, dtype=np.float64):
    pad = " " * indent
    rows = [pad + "    [" + ", ".join(number_code(x, dtype) for x in row) + "],"
            for row in np.atleast_2d(M)]
    return "[\n" + "\n".join(rows) + "\n" + pad + "]"


def labels_code(y, regression=False):
    """Class labels as whole numbers, or regression targets with every digit."""
    text = ", ".join(repr(float(v)) if regression else str(int(v)) for v in y)
    return "[" + "\n    ".join(textwrap.wrap(text, 80)) + "]"



def _initial_weights_code(params, config):
    dtype = params[0].dtype
    about = (f"The app's initial weights and biases, written out exactly. It drew them with "
             f"{INIT_LABELS[config.init]} initialization: "
             f"np.random.RandomState({config.seed}).randn, layer by layer, biases zero.")
    lines = ["def initialize_network():"] + \
        ["    # " + line for line in textwrap.wrap(about, 82)] + ["    network = {"]
    for l, (W, b) in enumerate(W_and_b(params), start=1):
        lines.append(f"        'W{l}': np.array({matrix_code(W, 8, dtype)}, dtype=DTYPE),  "
                     f"# {W.shape}")
        lines.append(f"        'b{l}': np.zeros((1, {b.shape[1]}), dtype=DTYPE)," if not b.any()
                     else f"        'b{l}': np.array({matrix_code(b, 8, dtype)}, dtype=DTYPE),")
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
    order = ("in the app's order and precision" if plan.app else
             "in the tutorial's own order, as the app's float64 runs do")
    exact = (f"It does every operation as the app does, {order}, so its numbers are the "
             "app's, bit for bit (with the same NumPy and BLAS).")
    paragraphs = [
        "NN Playground: one run, as a standalone NumPy script in the style of the tutorial "
        '"Implementing a Neural Network from Scratch in Python".', "",
        "The run: " + describe(plan.config, len(data.y_train), len(data.y_test)) +
        f" It ran {plan.epochs:,} epochs.",
        f"Changed during the run, replayed here at the same epochs: {said}." if said else None,
        "", "How to run it: save it as train_network.py and run `python train_network.py` "
        "(it needs only NumPy). Like the tutorial, it prints the training loss every 100 "
        "epochs, then the predictions on the training points. " + exact, "",
        "Run as `python train_network.py --json`, it prints instead one JSON object with the "
        "losses and the trained weights, in the format of `python -m playground train --json`."]
    return "".join(comment(p) for p in paragraphs if p is not None)


def run_start(session):
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
    config, changes = run_start(session)
    data = session.data
    plan = Plan(config, changes, len(data.y_train), session.epoch if epochs is None else epochs)
    dtype = np.dtype(config.precision).name
    regression = config.problem == "regression"
    test_points = matrix_code(data.X_test, 0) if len(data.y_test) else "[]"
    inputs = ("with_ones(compute_features(points_train))  # the features, then a column of ones"
              if plan.app else "compute_features(points_train)")
    preamble = code_block('''
        import contextlib
        import io
        import json
        import sys

        import numpy as np

        np.set_printoptions(floatmode='unique', threshold=sys.maxsize)  # print every digit

        DTYPE = np.{dtype}  # the app's precision: every array, so every operation, is {dtype}

        # The training points (x1, x2) and their {what}, exactly as the app drew them
        points_train = np.array({train})
        labels_train = np.array({train_labels})

        # The held-out test points: the app measures its test loss on them; training never sees them
        points_test = np.array({test}).reshape(-1, 2)
        labels_test = np.array({test_labels})
        ''').format(dtype=dtype, train=matrix_code(data.X_train, 0), train_labels=labels_code(data.y_train, regression),
                    test=test_points, test_labels=labels_code(data.y_test, regression),
                    what="targets" if regression else "labels")
    train_call = "\n".join(textwrap.wrap(
        f"trained_network = train_network({', '.join(plan.train_args())})", 88,
        subsequent_indent=" " * len("trained_network = train_network(")))
    main = (f"X = {inputs}\n{TARGETS[config.output].format(k=config.classes)}\n\n" +
            settings_code(plan) + "\n" + JSON_SWITCH + "\n# Training the network\n" +
            "with contextlib.redirect_stdout(io.StringIO() if as_json else sys.stdout) as printed:\n"
            + textwrap.indent(train_call, "    ") + "\n\n" +
            "# Making predictions\npredictions = predict(trained_network, X)\n" + JSON_END)
    return _header(plan, data) + "\n" + join_definitions([
        preamble, features_code(config.features),
        _initial_weights_code(session.initial_params, config), functions_code(plan),
        code_block(JSON_CODE), main])


TARGETS = {
    "sigmoid": "y = labels_train.reshape(-1, 1).astype(DTYPE)",
    "linear": "y = labels_train.reshape(-1, 1).astype(DTYPE)  # the targets, one column",
    "softmax": "# One row per point, one column per class: 1 in its class's column, else 0\n"
               "y = np.eye({k}, dtype=DTYPE)[labels_train]",
}

JSON_SWITCH = "as_json = sys.argv[1:] == ['--json']  # then train quietly; see report_json\n"

JSON_END = """if as_json:
    report_json(trained_network, printed.getvalue())
else:
    print(f'Predictions: \\n{predictions}')
"""

JSON_CODE = '''
    def report_json(network, printed):
        # One JSON object on one line, as `python -m playground train --json` prints it: the
        # losses printed every 100 epochs (each with every digit, so read back exactly) and
        # the trained weights, layer by layer
        losses = [float(line.split('Loss: ')[1]) for line in printed.splitlines()
                  if line.startswith('Epoch ')]
        weights = [{'W': network[f'W{l}'].astype(float).tolist(),
                    'b': network[f'b{l}'].astype(float).ravel().tolist()}
                   for l in range(1, len(network) // 2 + 1)]
        print(json.dumps({'losses': losses, 'weights': weights}, separators=(',', ':')))
    '''
