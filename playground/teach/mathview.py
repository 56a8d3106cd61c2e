"""Show the math: the current network's forward and backward pass as LaTeX equations, the
same as code in the tutorial's style, and one training point followed through the next
training step, every number of it.

LaTeX lines are for st.latex (KaTeX): one equation per string. Row-major as everywhere
here: a layer maps a^{(l-1)} (n, fan_in) to z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}.
"""
import copy

import numpy as np

from .. import fast
from ..activations import ACTIVATIONS
from ..data.features import FEATURES
from ..inits import INITS
from ..losses import DELTA_RULE_TEX, LOSSES
from ..optimizers import OPTIMIZERS
from ..outputs import OUTPUTS, targets
from ..regularizations import REGULARIZATIONS
from .codegen import Plan, comment, describe, features_code, functions_code, settings_code
from .export import layer_names


def number_tex(x, digits=4):
    """x with `digits` significant digits, powers of ten written as LaTeX."""
    text = f"{float(x):.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        power = rf"10^{{{int(exponent)}}}"
        return power if mantissa == "1" else rf"{mantissa} \times {power}"
    return text if text not in ("nan", "inf", "-inf") else rf"\text{{{text}}}"


def matrix_tex(M):
    """A bmatrix of numbers; a vector is one row, as a row of a batch is."""
    rows = np.atleast_2d(np.asarray(M, dtype=float))
    body = r" \\ ".join(" & ".join(number_tex(x) for x in row) for row in rows)
    matrix = r"\begin{bmatrix} " + body + r" \end{bmatrix}"
    return r"{\scriptsize " + matrix + "}" if rows.shape[1] > 8 else matrix


# -- the equations of the architecture ---------------------------------------------------
def _layer_lines(config, L):
    entry = ACTIVATIONS[config.activation]
    f, formula = entry.symbol, entry.tex
    sizes = [len(config.features), *config.hidden, _units(config)]
    lines = []
    for l in range(1, L + 1):
        lines.append(rf"z^{{({l})}} = a^{{({l - 1})}} W^{{({l})}} + b^{{({l})}}, \quad W^{{({l})}}"
                     rf" \in \mathbb{{R}}^{{{sizes[l - 1]} \times {sizes[l]}}},\ b^{{({l})}} \in "
                     rf"\mathbb{{R}}^{{1 \times {sizes[l]}}}")
        if l < L:
            lines.append(rf"a^{{({l})}} = {f}\left(z^{{({l})}}\right)" +
                         (rf", \quad {f}(z) = {formula}" if l == 1 else ""))
        else:
            output = OUTPUTS[config.output].tex.replace("{(L)}", f"{{({L})}}")
            lines.append(rf"\hat{{y}} = {output}" + OUTPUT_SAYS[config.output])
    return lines


OUTPUT_SAYS = {   # what the output layer's numbers mean
    "sigmoid": r" \quad \text{(the probability of class 1)}",
    "softmax": r" \quad \text{(the probability of class } k \text{; the } K \text{ of a row sum to 1)}",
    "linear": r" \quad \text{(the predicted value itself: regression)}",
}


def _units(config):
    return config.classes if config.output == "softmax" else 1


def output_delta_tex(config):
    """LaTeX of delta^(L) = dLoss/dz^(L) for this config's output layer and loss."""
    if config.delta_rule:
        return DELTA_RULE_TEX
    if config.loss == "mse":
        return OUTPUTS[config.output].tex_mse_delta
    return LOSSES[config.loss].tex_delta


def architecture_latex(config) -> list[str]:
    """The forward pass, the loss, the backward pass, the gradients and the update rule of
    this network, one LaTeX equation per string (L is the output layer)."""
    c, L = config, len(config.hidden) + 1
    f, derivative = ACTIVATIONS[c.activation].symbol, ACTIVATIONS[c.activation].tex_derivative
    batch = ("all the training points" if c.batch_size == 0 else
             f"a mini-batch of {c.batch_size} points, shuffled anew every epoch")
    lines = [r"a^{(0)} = x = \begin{bmatrix} " + " & ".join(FEATURES[x].tex for x in c.features)
             + r" \end{bmatrix} \quad \text{(one row per point; a batch stacks } n \text{ rows: "
             + batch + ")}"]
    lines += [rf"L = {L}: \text{{the output layer}}"] + _layer_lines(c, L)
    lines.append(LOSSES[c.loss].tex)
    if c.delta_rule:
        lines.append(r"\text{updates follow the tutorial's delta rule, the gradient of } E = "
                     r"\frac{1}{2} \sum_{i=1}^{n} \left(y_i - \hat{y}_i\right)^{2} \text{ (summed"
                     r" over the points, no } \tfrac{1}{n} \text{)}")
    reg = REGULARIZATIONS[c.regularization]
    reg = (reg.tex, reg.tex_gradient) if c.reg_rate and reg.tex else None   # (loss, dW) terms
    if reg:
        lines.append(rf"\mathcal{{L}}_{{\text{{total}}}} = \mathcal{{L}} + {reg[0]}, \quad "
                     rf"\lambda = {number_tex(c.reg_rate)} \text{{ (biases are not penalized)}}")
    target = "E" if c.delta_rule else r"\mathcal{L}"
    lines.append(rf"\delta^{{(L)}} = \frac{{\partial {target}}}{{\partial z^{{(L)}}}} = "
                 + output_delta_tex(c))
    for l in range(L - 1, 0, -1):
        said = rf", \quad f'(a) = {derivative} \text{{ for }} f = {f}" if l == L - 1 else ""
        lines.append(rf"\delta^{{({l})}} = \left(\delta^{{({l + 1})}} W^{{({l + 1})\top}}\right)"
                     rf" \odot f'\left(a^{{({l})}}\right){said}")
    for l in range(L, 0, -1):
        penalty = rf" + {reg[1]}^{{({l})}}" if reg else ""
        lines.append(rf"dW^{{({l})}} = a^{{({l - 1})\top}} \delta^{{({l})}}{penalty}, \quad "
                     rf"db^{{({l})}} = \sum_{{i=1}}^{{n}} \delta^{{({l})}}_{{i}}")
    lines.append(r"\text{every parameter } \theta \text{ (each } W \text{ and } b \text{) with "
                 r"its gradient } g \text{ (its } dW \text{ or } db\text{):}")
    eta = rf"\eta = {number_tex(c.lr)}"
    return lines + [line.replace("{eta}", eta) for line in OPTIMIZERS[c.optimizer].tex]


# -- the same as tutorial-style code ------------------------------------------------------
def _drawn_weights_code(config):
    """initialize_network as the tutorial writes it, drawing what the app draws."""
    sizes = [len(config.features), *config.hidden, _units(config)]
    init = INITS[config.init]
    lines = ["def initialize_network():",
             f"    # {init.words} initialization, biases zero",
             f"    np.random.seed({config.seed})  # For reproducibility: the app draws the same",
             "    network = {"]
    for l, (i, o) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        lines += [f"        'W{l}': np.random.randn({i}, {o}){init.code.format(i=i, o=o)},",
                  f"        'b{l}': np.zeros((1, {o})),"]
    cast = config.precision != "float64"
    lines += ["    }", "    return {name: p.astype(DTYPE) for name, p in network.items()}"
              if cast else "    return network"]
    return "\n".join(lines) + "\n"


EXAMPLE_TARGETS = {
    "sigmoid": "y = np.array([[0], [1], [1], [0]], dtype=DTYPE)  # XOR problem\n\n",
    "softmax": "y = np.eye({k}, dtype=DTYPE)[[0, 1, 1, 0]]  # XOR's classes, one-hot: of {k}\n\n",
    "linear": "y = np.array([[0], [1], [1], [0]], dtype=DTYPE)  # XOR's labels as targets\n\n",
}


def tutorial_code(config) -> str:
    """This network as a program in the tutorial's style, with the tutorial's XOR points as
    its example data (the arithmetic is the plain one: z = a @ W + b)."""
    plan = Plan(config, app_arithmetic=False)
    head = (comment(f"This network in the style of \"Implementing a Neural Network from "
                     f"Scratch in Python\": {describe(config)}") +
            f"import numpy as np\n\nDTYPE = np.{config.precision}\n")
    example = ("# Example data: the tutorial's four XOR points\n"
               "points = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)\n"
               "X = compute_features(points)\n"
               + EXAMPLE_TARGETS[config.output].format(k=_units(config))
               + settings_code(plan, ran=False) +
               f"\n# Training the network\ntrained_network = train_network("
               f"{', '.join(plan.train_args())})\n\n# Making predictions\n"
               "predictions = predict(trained_network, X)\n"
               "print(f'Predictions: \\n{predictions}')\n")
    parts = [head, features_code(config.features), _drawn_weights_code(config),
             functions_code(plan), example]
    return "\n\n".join(p.rstrip("\n") + "\n" for p in parts)


# -- one training point through the next step ---------------------------------------------
def _point_loss(name, y, a, z):
    """One point's loss: y its label (a class index for ce) or target, a and z its output
    layer's rows."""
    if name == "mse":
        return float((y - a[0]) ** 2)
    if name == "bce":
        return float(np.logaddexp(0, z[0]) - y * z[0])
    return float(np.logaddexp.reduce(z) - z[int(y)])            # ce: log sum e^z - z_y


def point_walkthrough(session, index) -> dict:
    """Every number of the next training step for training point `index`, at the current
    parameters: its features; each layer's W, b, z, a and this point's delta (its row of
    the batch's delta, so the 1/n of the mean is in it); the full-batch gradients dW, db the
    step uses (the core's own backward, with regularization) and the change the optimizer
    would make, computed on copies (the session is not touched). Arrays are float64."""
    c, n = session.config, len(session.y)
    if not 0 <= index < n:
        raise IndexError(f"point {index} is not one of the {n} training points")
    params, ws = session.params, session.full_pass()
    zs = [z[index].astype(float) for z in ws.z]
    activations = [a[index].astype(float) for a in ws.a]
    deltas = [d[index].astype(float) for d in ws.delta]
    gradient = ws.grad.copy()
    theta, state = session.theta.copy(), copy.deepcopy(session.opt_state)
    with np.errstate(all="ignore"):
        OPTIMIZERS[c.optimizer].step([theta], [gradient.copy()], state, c.lr)
    shapes = [Wb.shape for Wb in params]
    grads, updates = fast.views(gradient, shapes), fast.views(theta - session.theta, shapes)
    layers = []
    for l, name in enumerate(layer_names(len(params))):
        layers.append({
            "name": name, "activation": c.output if name == "output" else c.activation,
            "W": params[l][:-1].astype(float), "b": params[l][-1].astype(float),
            "z": zs[l], "a": activations[l], "delta": deltas[l],
            "dW": grads[l][:-1].astype(float), "db": grads[l][-1].astype(float),
            "update_W": updates[l][:-1].astype(float), "update_b": updates[l][-1].astype(float)})
    y, out = float(session.data.y_train[index]), layers[-1]
    return {
        "index": index, "epoch": session.epoch, "n": n,
        "point": session.data.X_train[index].astype(float),
        "label": y, "features": list(c.features),
        "x": session.X[index, :len(c.features)].astype(float),
        "activation": c.activation, "loss_name": c.loss, "delta_rule": c.delta_rule,
        "optimizer": c.optimizer, "lr": c.lr, "regularization": c.regularization,
        "reg_rate": c.reg_rate, "full_batch": c.batch_size == 0 or c.batch_size >= n,
        "output": c.output, "classes": c.classes,
        "target": targets([y], c.output, c.classes)[0],  # y as the output's row (one-hot)
        "prediction": float(out["a"][0]) if c.output != "softmax" else out["a"].copy(),
        "loss": _point_loss(c.loss, y, out["a"], out["z"]),
        "layers": layers}


def walkthrough_latex(walk) -> list[str]:
    """point_walkthrough's numbers as LaTeX, 4 significant digits, one equation a string."""
    L, layers = len(walk["layers"]), walk["layers"]
    f = ACTIVATIONS[walk["activation"]].symbol
    x1, x2 = walk["point"]
    lines = [rf"\text{{training point {walk['index']} of {walk['n']}, epoch {walk['epoch']:,}: }}"
             rf"(x_1, x_2) = ({number_tex(x1)}, {number_tex(x2)}), \quad y = {walk['label']:g}",
             r"a^{(0)} = x = \left[" + ", ".join(FEATURES[n].tex for n in walk["features"]) +
             r"\right] = " + matrix_tex(walk["x"])]
    for l, layer in enumerate(layers, start=1):
        g = f if l < L else OUTPUTS[walk["output"]].symbol
        lines += [rf"W^{{({l})}} = {matrix_tex(layer['W'])}, \quad b^{{({l})}} = "
                  f"{matrix_tex(layer['b'])}",
                  rf"z^{{({l})}} = a^{{({l - 1})}} W^{{({l})}} + b^{{({l})}} = "
                  f"{matrix_tex(layer['z'])}",
                  rf"a^{{({l})}} = {g}\left(z^{{({l})}}\right) = "
                  f"{matrix_tex(layer['a'])}"]
    y = walk["label"]
    if walk["loss_name"] == "mse":
        point_loss = rf"\left({number_tex(y)} - {number_tex(walk['prediction'])}\right)^{{2}}"
    elif walk["loss_name"] == "ce":
        k = int(y)
        lines.append(rf"y = {matrix_tex(walk['target'])} \quad \text{{(class {k}, one-hot: "
                     r"1 in its column)}")
        point_loss = (rf"-\log a^{{({L})}}_{{{k}}} = \log \sum_{{j}} e^{{z^{{({L})}}_j}} - "
                      rf"z^{{({L})}}_{{{k}}}")
    else:
        point_loss = rf"\log\left(1 + e^{{z^{{({L})}}}}\right) - {y:g}\, z^{{({L})}}"
    lines.append(rf"\ell = {point_loss} = {number_tex(walk['loss'])} \quad \text{{(this "
                 r"point's loss; } \mathcal{L} \text{ is the mean over the points)}")
    for l in range(L, 0, -1):
        said = r" \quad \text{(this point's row)}" if l == L else ""
        if l == L and walk["loss_name"] == "ce":
            said = (rf" = \frac{{1}}{{{walk['n']}}}\left(a^{{({L})}} - y\right) \quad "
                    r"\text{(softmax minus one-hot, over } n\text{)}")
        lines.append(rf"\delta^{{({l})}} = {matrix_tex(layers[l - 1]['delta'])}" + said)
    batch = "" if walk["full_batch"] else r" \text{ (the next step uses a mini-batch instead)}"
    lines.append(r"\text{gradients over all } " + str(walk["n"]) + r" \text{ training points"
                 + (" with the regularization term" if walk["regularization"] != "none" else "")
                 + ":}" + batch)
    for l in range(L, 0, -1):
        lines += [rf"dW^{{({l})}} = {matrix_tex(layers[l - 1]['dW'])}, \quad db^{{({l})}} = "
                  f"{matrix_tex(layers[l - 1]['db'])}"]
    update = OPTIMIZERS[walk["optimizer"]].tex_change
    lines.append(rf"\text{{the next step changes each parameter by }} {update}, \quad "
                 rf"\eta = {number_tex(walk['lr'])}:")
    for l in range(L, 0, -1):
        lines.append(rf"\Delta W^{{({l})}} = {matrix_tex(layers[l - 1]['update_W'])}, \quad "
                     rf"\Delta b^{{({l})}} = {matrix_tex(layers[l - 1]['update_b'])}")
    return lines
