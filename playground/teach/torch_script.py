"""`script`: a standalone PyTorch program that reproduces a run, for the step from the
playground to a real framework.

It is written as a learner would write PyTorch (nn.Sequential, torch.optim, a plain loop,
autograd), not as a copy of our arithmetic, so its last digits differ from the app's: a
float64 run ends within about 1e-14 of the app's weights after 200 epochs, a float32 run
within about 2e-6, relative to the largest weight (tests/unit/test_torch_export.py). What must match exactly
to get there is matched exactly: the points, the initial weights (written out), the
mini-batch order (NumPy's default_rng([seed, 2]).permutation each epoch, as
playground/session.py draws it), the optimizers' constants and every mid-run change.
This module only writes text: the app never imports torch.
"""
import textwrap

import numpy as np

from ..activations import ACTIVATIONS
from ..data.features import feature_expressions
from ..network import LOG_EVERY
from ..outputs import output_units
from .codegen.plan import BATCH_ORDER, SCRIPT_NAMES, Plan
from .codegen.source import code_block, comment, labels_code, matrix_code, number_code

MODULES = {"sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()",
           "leaky-relu": "nn.LeakyReLU(0.01)", "linear": "nn.Identity()"}

LOSS_CODE = {   # (output layer, loss) -> the body of data_loss(z, y, loss_name)
    ("sigmoid", "mse"): "    # Mean squared error between the prediction sigmoid(z) and the label\n"
                        "    return F.mse_loss(torch.sigmoid(z), y)\n",
    ("sigmoid", "bce"): "    # Binary cross-entropy, computed from the logit z (never takes log(0))\n"
                        "    return F.binary_cross_entropy_with_logits(z, y)\n",
    ("softmax", "ce"): "    # Cross-entropy of softmax(z) from the logits z and the class indices y\n"
                       "    # (log-sum-exp inside, so it never takes log(0))\n"
                       "    return F.cross_entropy(z, y)\n",
    ("linear", "mse"): "    # Mean squared error between the prediction z (a linear output) and the target\n"
                       "    return F.mse_loss(z, y)\n",
}

# Each output layer: what the last nn.Linear's z means, how it becomes predictions, how the
# labels are stored (class indices for cross-entropy), and the last line's summary.
OUTPUT_CODE = {
    "sigmoid": dict(z="the output unit's z; sigmoid(z) predicts", predict="torch.sigmoid(z)",
                    labels="labels_train.reshape(-1, 1)", label_dtype="DTYPE",
                    score="accuracy = ((predictions > 0.5) == (y > 0.5)).double().mean().item()\n"
                          "print(f'Training accuracy: {accuracy:.1%}')"),
    "softmax": dict(z="one z per class; softmax(z) gives each class's probability",
                    predict="torch.softmax(z, dim=1)", labels="labels_train",
                    label_dtype="torch.long",
                    score="accuracy = (predictions.argmax(dim=1) == y).double().mean().item()\n"
                          "print(f'Training accuracy: {accuracy:.1%}')"),
    "linear": dict(z="the output unit's z is the prediction (a linear output)", predict="z",
                   labels="labels_train.reshape(-1, 1)", label_dtype="DTYPE",
                   score="r2 = 1 - ((predictions - y) ** 2).mean() / ((y - y.mean()) ** 2).mean()\n"
                         "print(f'Training R^2: {r2.item():.3f}')"),
}

OPTIMIZER_CODE = {
    "sgd": "torch.optim.SGD(model.parameters(), lr=learning_rate)",
    "momentum": "torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9)",
    "adam": "torch.optim.Adam(model.parameters(), lr=learning_rate)"
            "  # betas (0.9, 0.999), eps 1e-8",
}

PENALTY_CODE = {
    "l2": "rate * sum((W ** 2).sum() for W in weights) / 2  # gradient: rate * W",
    "l1": "rate * sum(W.abs().sum() for W in weights)  # gradient: rate * sign(W)",
}


def model_code(config):
    """nn.Sequential: Linear, activation, ..., Linear to the output units' z."""
    sizes = [len(config.features), *config.hidden, output_units(config.problem, config.classes)]
    act = MODULES[config.activation]
    lines = [f"    nn.Linear({i}, {o}), {act}," for i, o in zip(sizes[:-2], sizes[1:-1])]
    lines.append(f"    nn.Linear({sizes[-2]}, {sizes[-1]}),  # {OUTPUT_CODE[config.output]['z']}")
    return "model = nn.Sequential(\n" + "\n".join(lines) + "\n).to(DTYPE)\n"


def weights_code(plan):
    """The app's initial (W, b) per layer, every digit, W as fan_in rows of fan_out."""
    dtype = plan.initial_weights[0][0].dtype
    row = lambda b: "[" + ", ".join(number_code(x, dtype) for x in b.ravel()) + "]"
    rows = [f"    ({matrix_code(W, 4, dtype)},\n     {row(b)})," for W, b in plan.initial_weights]
    return "INITIAL_WEIGHTS = [  # (W, b) per layer, input to output\n" + "\n".join(rows) + "\n]\n"


def loss_code(plan):
    """data_loss(z, y, loss_name): what the app plots; training_loss adds the delta rule."""
    parts = ["def data_loss(z, y, loss_name):\n"]
    for name in plan.losses:
        body = LOSS_CODE[(plan.config.output, name)]
        parts.append(f"    if loss_name == '{name}':\n" + textwrap.indent(body, "    ")
                     if len(plan.losses) > 1 else body)
    if len(plan.losses) > 1:
        parts.append("    raise ValueError(loss_name)\n")
    if plan.delta_rule:
        parts.append(code_block('''


            def training_loss(z, y, loss_name):
                # The tutorial's delta rule: half the *summed* squared error, whose gradient at z
                # is (a - y) a (1 - a), the tutorial's output delta with its sign flipped
                return 0.5 * ((torch.sigmoid(z) - y) ** 2).sum()
            '''))
    return "".join(parts)


def penalty_code(plan):
    if not plan.penalties:
        return ""
    lines = ["def penalty(model, kind, rate):",
             "    # Regularization on the weights (not the biases), added to the loss",
             "    weights = [layer.weight for layer in model if isinstance(layer, nn.Linear)]"]
    for kind in plan.penalties:
        lines += [f"    if kind == '{kind}':", f"        return {PENALTY_CODE[kind]}"]
    return "\n".join(lines + ["    return 0.0"]) + "\n"


def optimizer_code(plan):
    lines = ["def make_optimizer(name, learning_rate):",
             "    # torch.optim's own optimizers, with the app's settings"]
    for name in plan.optimizers:
        lines += [f"    if name == '{name}':", f"        return {OPTIMIZER_CODE[name]}"]
    return "\n".join(lines + ["    raise ValueError(name)"]) + "\n"


NAMES = {**SCRIPT_NAMES, "optimizer": "optimizer_name"}   # setting -> the script's variable


def _changes_code(plan):
    lines = []
    for epoch, changed in plan.changes:
        lines.append(f"    if epoch == {epoch}:  # changed in the app at this epoch")
        for key, value in changed.items():
            if key not in NAMES:
                lines.append(f"        pass  # the app's {key} became {value!r}")
            elif key == "lr":
                lines += [f"        learning_rate = {value!r}",
                          "        for group in optimizer.param_groups:",
                          "            group['lr'] = learning_rate"]
            else:
                lines.append(f"        {NAMES[key]} = {value!r}")
        if "optimizer" in changed:
            lines.append("        optimizer = make_optimizer(optimizer_name, learning_rate)"
                         "  # fresh memory")
    return "\n".join(lines) + "\n" if lines else ""


def settings_code(plan):
    c = plan.config
    lines = [f"epochs = {plan.epochs}", f"learning_rate = {c.lr!r}",
             f"batch_size = {c.batch_size!r}  # points per update; 0 means all of them",
             f"seed = {c.seed!r}  # the app's mini-batch order comes from it",
             f"optimizer_name = {c.optimizer!r}", f"loss_name = {c.loss!r}"]
    if plan.penalties:
        lines += [f"regularization = {c.regularization!r}", f"reg_rate = {c.reg_rate!r}"]
    return "\n".join(lines) + "\n"


def loop_code(plan):
    train_loss = "training_loss" if plan.delta_rule else "data_loss"
    penalty = " + penalty(model, regularization, reg_rate)" if plan.penalties else ""
    head = code_block(f'''
        optimizer = make_optimizer(optimizer_name, learning_rate)
        rng = {BATCH_ORDER}  # shuffles the points as the app does
        losses = []
        for epoch in range(epochs):
        ''')
    body = code_block(f'''
        if epoch % {LOG_EVERY} == 0:  # the loss on all training points, before this epoch's updates
            with torch.no_grad():
                losses.append(data_loss(model(X), y, loss_name).item())
            if not as_json:
                print(f'Epoch {{epoch}}, Loss: {{losses[-1]}}')
        if batch_size == 0 or batch_size >= len(X):
            batches = [torch.arange(len(X))]  # full batch: one update on every point
        else:  # a new random order every epoch, then one update per mini-batch
            batches = torch.from_numpy(rng.permutation(len(X))).split(batch_size)
        for batch in batches:
            optimizer.zero_grad()
            loss = {train_loss}(model(X[batch]), y[batch], loss_name){penalty}
            loss.backward()
            optimizer.step()
        ''', 4)
    return head + _changes_code(plan) + body


TAIL = '''
    def weights_json(model):
        # Each layer's W (fan_in rows of fan_out, as the app writes it) and b
        layers = [layer for layer in model if isinstance(layer, nn.Linear)]
        return [{'W': layer.weight.detach().T.double().tolist(),
                 'b': layer.bias.detach().double().tolist()} for layer in layers]


    with torch.no_grad():
        z = model(X)
        predictions = PREDICT
    if as_json:  # one JSON object on the last line, as `python -m playground train --json`
        print(json.dumps({'losses': losses, 'weights': weights_json(model)}))
    else:
        print(f'Predictions: \\n{predictions.squeeze()}')
    '''


def _header(plan):
    said = plan.changes_said()
    paragraphs = [
        "NN Playground: one run as a standalone PyTorch script.", "",
        "The run: " + plan.describe(),
        f"Changed during the run, replayed here at the same epochs: {said}." if said else None,
        "", "Run it with `python train_network.py` (it needs PyTorch and NumPy): it prints the "
        "training loss every 100 epochs, then the predictions. With `--json` it prints one JSON "
        "object with the losses and the final weights instead. The same points, initial weights, "
        "settings and mini-batch order as the app give the app's weights, up to rounding.",
        "", "To go on from here: change the model, the optimizer or the loop; all of it is plain "
        "PyTorch."]
    return "".join(comment(p) for p in paragraphs if p is not None)


def script(session, epochs=None) -> str:
    """A standalone PyTorch program that trains this run's network as the app did:
    session.epoch epochs (or `epochs`), every mid-run change at its epoch."""
    plan = Plan.of(session, epochs)
    config, data = plan.config, plan.data
    dtype = np.dtype(config.precision).name
    out = OUTPUT_CODE[config.output]
    features = feature_expressions(config.features, lib="torch")
    parts = [code_block('''
        import json
        import sys

        import numpy as np
        import torch
        import torch.nn.functional as F
        from torch import nn

        DTYPE = torch.{dtype}  # the app's precision
        as_json = sys.argv[1:] == ['--json']

        # The training points (x1, x2) and their labels, exactly as the app drew them
        points_train = torch.tensor({train}, dtype=torch.float64)
        labels_train = torch.tensor({labels}, dtype={label_dtype})
        ''').format(dtype=dtype, train=matrix_code(data.X_train, 0), labels=labels_code(data.y_train, config.problem == "regression"),
                    label_dtype=out["label_dtype"]),
        code_block(f'''
        def compute_features(points):
            # The network's inputs ({", ".join(config.features)}), computed in float64,
            # then rounded to DTYPE, as the app does
            x1, x2 = points[:, 0], points[:, 1]
            return torch.stack([{features}], dim=1).to(DTYPE)
        '''), f"X = compute_features(points_train)\ny = {out['labels']}\n",
        f"# The network: {ACTIVATIONS[config.activation].label} hidden units, then the output "
        f"layer ({config.output})\n" + model_code(config),
        weights_code(plan) + code_block('''
        with torch.no_grad():  # start from the app's initial weights (PyTorch stores W.T)
            linears = [layer for layer in model if isinstance(layer, nn.Linear)]
            for layer, (W, b) in zip(linears, INITIAL_WEIGHTS):
                layer.weight.copy_(torch.tensor(W, dtype=DTYPE).T)
                layer.bias.copy_(torch.tensor(b, dtype=DTYPE))
        '''), loss_code(plan), penalty_code(plan), optimizer_code(plan),
        settings_code(plan), loop_code(plan),
        code_block(TAIL).replace("PREDICT", out["predict"])
        + textwrap.indent(out["score"], " " * 4) + "\n"]
    return _header(plan) + "\n" + "\n\n".join(p.rstrip("\n") + "\n" for p in parts if p)
