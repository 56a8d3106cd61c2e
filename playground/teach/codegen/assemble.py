"""`script`: the exported program assembled: a header saying what run it reproduces, the
run's points and initial weights written out exactly, the functions (templates.py) and
the tutorial's closing lines."""
import textwrap

import numpy as np

from ...inits import INITS
from .plan import Plan
from .source import code_block, comment, join_definitions, labels_code, matrix_code
from .templates import features_code, functions_code


def _initial_weights_code(plan):
    config, dtype = plan.config, plan.initial_weights[0][0].dtype
    about = (f"The app's initial weights and biases, written out exactly. It drew them with "
             f"{INITS[config.init].words} initialization: "
             f"np.random.RandomState({config.seed}).randn, layer by layer, biases zero.")
    lines = ["def initialize_network():"] + \
        ["    # " + line for line in textwrap.wrap(about, 82)] + ["    network = {"]
    for l, (W, b) in enumerate(plan.initial_weights, start=1):
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


def _header(plan):
    said = plan.changes_said()
    order = ("in the app's order and precision" if plan.app else
             "in the tutorial's own order, as the app's float64 runs do")
    exact = (f"It does every operation as the app does, {order}, so its numbers are the "
             "app's, bit for bit (with the same NumPy and BLAS).")
    paragraphs = [
        "NN Playground: one run, as a standalone NumPy script in the style of the tutorial "
        '"Implementing a Neural Network from Scratch in Python".', "",
        "The run: " + plan.describe(),
        f"Changed during the run, replayed here at the same epochs: {said}." if said else None,
        "", "How to run it: save it as train_network.py and run `python train_network.py` "
        "(it needs only NumPy). Like the tutorial, it prints the training loss every 100 "
        "epochs, then the predictions on the training points. " + exact, "",
        "Run as `python train_network.py --json`, it prints instead one JSON object with the "
        "losses and the trained weights, in the format of `python -m playground train --json`."]
    return "".join(comment(p) for p in paragraphs if p is not None)


def script(session, epochs=None) -> str:
    """A standalone NumPy program, in the tutorial's style, that reproduces this run: the
    same points, initial weights and settings, session.epoch epochs (or `epochs`) with
    every mid-run change at its epoch. It prints what the tutorial prints."""
    plan = Plan.of(session, epochs)
    config, data = plan.config, plan.data
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
    return _header(plan) + "\n" + join_definitions([
        preamble, features_code(config.features), _initial_weights_code(plan), functions_code(plan),
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
