"""Show the math: the equations are well-formed LaTeX for every setting; the tutorial-style
code is the app's math; the walkthrough's numbers agree with an independent forward pass,
finite differences and the step the session actually takes."""
import contextlib
import copy
import io
import itertools
import re

import numpy as np
import pytest

from tools import tutorial_oracle as oracle
from playground import Config, TrainingSession
from playground.activations import ACTIVATIONS
from playground.config import from_preset
from playground.data.features import expand
from playground.teach.mathview import (architecture_latex, point_walkthrough, tutorial_code,
                                 walkthrough_latex)
from playground.fast import W_and_b

H = 1e-6
F = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
     "relu": lambda z: np.maximum(z, 0), "leaky-relu": lambda z: np.where(z > 0, z, 0.01 * z),
     "linear": lambda z: z}
SETTINGS = [dict(activation=act, loss=loss) for act, loss in
            itertools.product(ACTIVATIONS, ["mse", "bce"])] + \
           [dict(activation=act, loss="mse", delta_rule=True) for act in ACTIVATIONS]


def small(**kw):
    base = dict(dataset="moons", samples=24, hidden=(3, 2), lr=0.2, epochs=1000,
                precision="float64")
    return Config(**{**base, **kw})


def assert_balanced(tex):
    """Non-empty, braces balanced and never closing early, \\left/\\right, \\begin/\\end."""
    assert tex.strip()
    depth = 0
    for ch in re.sub(r"\\[{}]", "", tex):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, tex
    assert depth == 0, tex
    count = lambda word: len(re.findall(rf"\\{word}(?![a-z])", tex))     # not \leftarrow
    assert count("left") == count("right"), tex
    assert tex.count(r"\begin{") == tex.count(r"\end{"), tex


# -- the architecture's equations --------------------------------------------------------
@pytest.mark.parametrize("settings", SETTINGS, ids=str)
@pytest.mark.parametrize("optimizer, regularization", [("sgd", "none"), ("momentum", "l1"),
                                                       ("adam", "l2")])
def test_architecture_latex_is_balanced_and_complete(settings, optimizer, regularization):
    config = small(optimizer=optimizer, regularization=regularization, **settings)
    lines = architecture_latex(config)
    for line in lines:
        assert_balanced(line)
    text = "\n".join(lines)
    for l in (1, 2, 3):
        assert f"z^{{({l})}} = a^{{({l - 1})}} W^{{({l})}} + b^{{({l})}}" in text
        assert f"dW^{{({l})}} = a^{{({l - 1})\\top}} \\delta^{{({l})}}" in text
        assert f"db^{{({l})}} = \\sum" in text
    for l in (1, 2):
        back = f"\\left(\\delta^{{({l + 1})}} W^{{({l + 1})\\top}}\\right)"
        assert f"\\delta^{{({l})}} = {back}" in text
    assert r"\hat{y} = a^{(3)} = \sigma" in text
    assert ("E = \\frac{1}{2}" in text) == config.delta_rule
    assert (r"\lambda" in text) == (regularization != "none")
    assert {"sgd": r"\theta - \eta\, g", "momentum": r"\theta - \eta\, v",
            "adam": r"\sqrt{s}"}[optimizer] in text


def test_architecture_latex_names_the_activation_and_its_derivative():
    expected = {"sigmoid": r"a \odot (1 - a)", "tanh": "1 - a^{2}", "relu": r"\mathbf{1}[a > 0]",
                "leaky-relu": "0.01 & a \\le 0", "linear": "f'(a) = 1"}
    for activation, derivative in expected.items():
        text = "\n".join(architecture_latex(small(activation=activation)))
        assert derivative in text


def test_architecture_latex_losses():
    assert r"\left(y_i - \hat{y}_i\right)^{2}" in "".join(architecture_latex(small(loss="mse")))
    bce = "".join(architecture_latex(small(loss="bce")))
    assert r"\log \hat{y}_i" in bce and r"\frac{1}{n} \left(a^{(L)} - y\right)" in bce


# -- the tutorial-style code ----------------------------------------------------------------
def run_code(code):
    namespace, out = {"__name__": "__main__"}, io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "tutorial_code", "exec"), namespace)
    return namespace, out.getvalue()


def test_tutorial_code_for_the_tutorial_preset_is_the_tutorial():
    namespace, out = run_code(tutorial_code(from_preset("tutorial")))
    net, losses = oracle.train_network_logged(oracle.X, oracle.y, 2, 2, 1, 10_000, 0.1)
    printed = [float(x) for x in re.findall(r"Loss: (\S+)", out)]
    np.testing.assert_allclose(printed, losses, rtol=1e-12, atol=0)
    np.testing.assert_allclose(namespace["predictions"], oracle.predict(net, oracle.X),
                               rtol=1e-12, atol=0)


@pytest.mark.parametrize("settings", [
    dict(activation="relu", optimizer="adam", regularization="l2", init="he"),
    dict(activation="leaky-relu", loss="mse", optimizer="momentum", regularization="l1",
         features=("x1", "x2", "x1_x2", "sin_x2")),
    dict(activation="linear", batch_size=5, init="randn"),
    dict(activation="sigmoid", loss="mse", delta_rule=True, hidden=(4,)),
])
def test_tutorial_code_trains_as_the_app_does(settings):
    """The code's functions, run on the app's training points for 60 epochs, end where the
    app ends (float64, so adding the bias after the product changes only the last digits)."""
    config = small(**settings)
    code = tutorial_code(config)
    namespace, _ = run_code(code.split("# Example data")[0] + "seed = 42\n")
    session = TrainingSession(config)
    session.advance(60)
    X = namespace["compute_features"](session.data.X_train)
    y = session.data.y_train.reshape(-1, 1)
    args = dict(X=X, y=y, epochs=60, learning_rate=config.lr, batch_size=config.batch_size,
                reg_rate=config.reg_rate)
    arg_names = namespace["train_network"].__code__.co_varnames[
        :namespace["train_network"].__code__.co_argcount]
    with contextlib.redirect_stdout(io.StringIO()):
        trained = namespace["train_network"](**{k: args[k] for k in arg_names})
    np.testing.assert_allclose(namespace["predict"](trained, X).ravel(),
                               session.predict(session.data.X_train), rtol=1e-9)


# -- one point through the next step -------------------------------------------------------
def independent_forward(session, X_raw):
    """Every layer's (z, a) for raw points, in float64, from W_and_b and textbook formulas."""
    a = expand(np.asarray(X_raw, float), session.config.features)
    pairs = W_and_b(session.params)
    out = []
    for l, (W, b) in enumerate(pairs):
        z = a @ W.astype(float) + b.astype(float)
        a = F["sigmoid" if l == len(pairs) - 1 else session.config.activation](z)
        out.append((z, a))
    return out


def objective(session, pairs):
    """What the gradients differentiate: the mean loss (or the tutorial's summed half squared
    error) plus the penalty, from scratch, with the weights `pairs`."""
    c = session.config
    a = expand(session.data.X_train, c.features)
    for l, (W, b) in enumerate(pairs):
        z = a @ W + b
        a = F["sigmoid" if l == len(pairs) - 1 else c.activation](z)
    y = session.data.y_train.reshape(-1, 1)
    if c.delta_rule:
        loss = 0.5 * np.sum((y - a) ** 2)
    elif c.loss == "mse":
        loss = np.mean((y - a) ** 2)
    else:
        loss = np.mean(np.logaddexp(0, z) - y * z)
    weights = [W for W, _ in pairs]
    penalty = {"none": 0.0, "l2": 0.5 * sum(np.sum(W * W) for W in weights),
               "l1": sum(np.sum(np.abs(W)) for W in weights)}[c.regularization]
    return loss + c.reg_rate * penalty


def numeric_gradients(session):
    pairs = [(W.astype(float).copy(), b.astype(float).copy()) for W, b in W_and_b(session.params)]
    grads = []
    for W, b in pairs:
        for array in (W, b):
            g = np.zeros_like(array)
            for i in np.ndindex(array.shape):
                saved = array[i]
                array[i] = saved + H
                up = objective(session, pairs)
                array[i] = saved - H
                down = objective(session, pairs)
                array[i] = saved
                g[i] = (up - down) / (2 * H)
            grads.append(g)
    return grads


@pytest.mark.parametrize("settings", SETTINGS, ids=str)
def test_walkthrough_forward_matches_an_independent_forward(settings):
    session = TrainingSession(small(**settings))
    session.advance(7)
    index = 5
    walk = point_walkthrough(session, index)
    expected = independent_forward(session, session.data.X_train[index:index + 1])
    assert len(walk["layers"]) == len(expected) == 3
    for layer, (z, a) in zip(walk["layers"], expected):
        np.testing.assert_allclose(layer["z"], z[0], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer["a"], a[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(walk["x"], expand(session.data.X_train[index:index + 1],
                                                    session.config.features)[0])
    assert walk["prediction"] == walk["layers"][-1]["a"][0]
    y, a, z = walk["label"], walk["prediction"], walk["layers"][-1]["z"][0]
    point_loss = (y - a) ** 2 if session.config.loss == "mse" else np.logaddexp(0, z) - y * z
    assert walk["loss"] == pytest.approx(point_loss, rel=1e-12)


@pytest.mark.parametrize("settings", SETTINGS + [dict(activation="tanh", regularization="l2",
                                                      reg_rate=0.05),
                                                 dict(activation="sigmoid", regularization="l1",
                                                      reg_rate=0.02)], ids=str)
def test_walkthrough_gradients_match_finite_differences(settings):
    session = TrainingSession(small(**settings))
    session.advance(5)
    walk = point_walkthrough(session, 0)
    numeric = numeric_gradients(session)
    mine = [g for layer in walk["layers"] for g in (layer["dW"], layer["db"].reshape(1, -1))]
    for g, expected in zip(mine, numeric):
        np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-8)


def test_walkthrough_output_delta_is_the_points_row_of_the_batch():
    session = TrainingSession(small(loss="bce"))
    walk = point_walkthrough(session, 3)
    n = len(session.data.y_train)
    assert walk["layers"][-1]["delta"][0] == pytest.approx((walk["prediction"] - walk["label"]) / n)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("precision", ["float32", "float64"])
def test_walkthrough_update_is_what_the_next_epoch_does(optimizer, precision):
    config = Config(dataset="circles", samples=60, hidden=(5, 4), optimizer=optimizer,
                    precision=precision, regularization="l2", lr=0.05, epochs=100)
    session, twin = TrainingSession(config), TrainingSession(config)
    session.advance(12)
    twin.advance(12)
    walk = point_walkthrough(session, 2)
    before = [(W.copy(), b.copy()) for W, b in W_and_b(twin.params)]
    twin.advance(1)
    for layer, (W0, b0), (W1, b1) in zip(walk["layers"], before, W_and_b(twin.params)):
        np.testing.assert_array_equal(layer["update_W"], (W1 - W0).astype(float))
        np.testing.assert_array_equal(layer["update_b"], (b1 - b0).ravel().astype(float))
        if optimizer == "sgd":      # the change is -lr * dW, up to rounding W's last digit
            ulp = np.finfo(precision).eps * np.abs(W0).max()
            np.testing.assert_allclose(layer["update_W"], -config.lr * layer["dW"], rtol=0,
                                       atol=ulp)


def test_walkthrough_leaves_the_session_untouched():
    session = TrainingSession(Config(dataset="moons", samples=60, optimizer="adam", batch_size=8,
                                     epochs=50))
    session.advance(10)
    saved = (session.theta.copy(), copy.deepcopy(session.opt_state),
             copy.deepcopy(session.rng.bit_generator.state), session.epoch, session.history.n)
    walk = point_walkthrough(session, 4)
    assert not walk["full_batch"]
    assert np.array_equal(session.theta, saved[0]) and session.opt_state["t"] == saved[1]["t"]
    for key in ("m", "s"):
        assert all(np.array_equal(a, b) for a, b in zip(session.opt_state[key], saved[1][key]))
    assert session.rng.bit_generator.state == saved[2]
    assert (session.epoch, session.history.n) == saved[3:]


def test_walkthrough_has_every_parameter():
    session = TrainingSession(small(hidden=(4, 3, 2)))
    walk = point_walkthrough(session, 1)
    assert [layer["name"] for layer in walk["layers"]] == ["hidden 1", "hidden 2", "hidden 3",
                                                           "output"]
    for layer, (W, b) in zip(walk["layers"], W_and_b(session.params)):
        np.testing.assert_array_equal(layer["W"], W)
        np.testing.assert_array_equal(layer["b"], b.ravel())
        assert layer["dW"].shape == layer["update_W"].shape == W.shape
        assert layer["db"].shape == layer["update_b"].shape == (W.shape[1],)
    text = "\n".join(walkthrough_latex(walk))
    for l in range(1, 5):
        for name in ("W", "b", "z", "a", "dW", "db", r"\Delta W", r"\Delta b", r"\delta"):
            assert f"{name}^{{({l})}} =" in text
    assert walk["layers"][-1]["b"].shape == (1,)       # the output bias is there too


@pytest.mark.parametrize("settings", SETTINGS + [dict(hidden=(32, 32), optimizer="adam",
                                                      regularization="l1")], ids=str)
def test_walkthrough_latex_is_balanced(settings):
    session = TrainingSession(small(**settings))
    session.advance(3)
    lines = walkthrough_latex(point_walkthrough(session, len(session.data.y_train) - 1))
    for line in lines:
        assert_balanced(line)
    assert len(lines) > 10


def test_walkthrough_numbers_have_four_significant_digits():
    session = TrainingSession(from_preset("tutorial"))
    text = "\n".join(walkthrough_latex(point_walkthrough(session, 1)))
    assert r"W^{(1)} = \begin{bmatrix} 0.4967 & -0.1383 \\ 0.6477 & 1.523 \end{bmatrix}" in text
    assert r"b^{(2)} = \begin{bmatrix} 0 \end{bmatrix}" in text


def test_walkthrough_rejects_a_point_that_is_not_there():
    session = TrainingSession(from_preset("tutorial"))
    with pytest.raises(IndexError):
        point_walkthrough(session, 4)


# -- softmax (3 classes) and regression ----------------------------------------------------
OTHER_PROBLEMS = {
    "3 classes": dict(dataset="spiral", classes=3, loss="ce", samples=30),
    "regression": dict(dataset="multi-gaussian", problem="regression", loss="mse", samples=24),
}


def other_objective(session, pairs):
    """Mean cross-entropy of softmax outputs, or mean squared error of a linear output,
    written from the textbook formulas (no code of the core)."""
    c = session.config
    a = expand(session.data.X_train, c.features)
    for l, (W, b) in enumerate(pairs):
        z = a @ W + b
        a = z if l == len(pairs) - 1 else F[c.activation](z)
    y = session.data.y_train
    if c.problem == "regression":
        return np.mean((y - a[:, 0]) ** 2)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(y)), y.astype(int)]))


@pytest.mark.parametrize("name", list(OTHER_PROBLEMS))
def test_other_problems_architecture_latex_shows_their_output_and_delta(name):
    lines = architecture_latex(small(**OTHER_PROBLEMS[name]))
    for line in lines:
        assert_balanced(line)
    text = "\n".join(lines)
    if name == "regression":
        assert r"\hat{y} = a^{(3)} = z^{(3)}" in text
        assert r"\delta^{(L)} = \frac{\partial \mathcal{L}}{\partial z^{(L)}} = \frac{2}{n} " \
               r"\left(a^{(L)} - y\right)" in text
        assert r"\in \mathbb{R}^{2 \times 1}" in text
    else:
        assert r"a^{(3)}_k = \frac{e^{z^{(3)}_k}}{\sum_{j=1}^{K} e^{z^{(3)}_j}}" in text
        assert r"\operatorname{softmax}\left(z^{(L)}\right) - y" in text
        assert r"\in \mathbb{R}^{2 \times 3}" in text                  # 3 output units


@pytest.mark.parametrize("name", list(OTHER_PROBLEMS))
def test_other_problems_walkthrough_numbers_are_the_textbooks(name):
    session = TrainingSession(small(**OTHER_PROBLEMS[name]))
    session.advance(5)
    walk = point_walkthrough(session, 2)
    n, y = len(session.data.y_train), session.data.y_train[2]
    out = walk["layers"][-1]
    if name == "regression":
        assert walk["prediction"] == out["z"][0] == out["a"][0]
        assert walk["loss"] == pytest.approx((y - out["a"][0]) ** 2, rel=1e-12)
        assert out["delta"][0] == pytest.approx(2 * (out["a"][0] - y) / n, rel=1e-12)
    else:
        p = np.exp(out["z"]) / np.exp(out["z"]).sum()
        np.testing.assert_allclose(walk["prediction"], p, rtol=1e-12)
        assert walk["loss"] == pytest.approx(-np.log(p[int(y)]), rel=1e-12)
        np.testing.assert_allclose(out["delta"], (p - np.eye(3)[int(y)]) / n, rtol=1e-10)
        text = "\n".join(walkthrough_latex(walk))
        assert rf"\text{{(class {int(y)}, one-hot" in text and r"\operatorname{softmax}" in text
    for line in walkthrough_latex(walk):
        assert_balanced(line)
    pairs = [(W.astype(float).copy(), b.astype(float).copy()) for W, b in W_and_b(session.params)]
    mine = [g for layer in walk["layers"] for g in (layer["dW"], layer["db"].reshape(1, -1))]
    from tests.support import numeric_gradient
    numeric = numeric_gradient(lambda: other_objective(session, pairs),
                               [p for pair in pairs for p in pair], H)
    for g, expected in zip(mine, numeric):
        np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", list(OTHER_PROBLEMS))
def test_other_problems_tutorial_code_runs_on_its_example(name):
    config = small(**OTHER_PROBLEMS[name]).replace(epochs=30)
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(tutorial_code(config), namespace)
    units = 3 if name == "3 classes" else 1
    assert namespace["predictions"].shape == (4, units) and "Epoch 0, Loss:" in printed.getvalue()
    if units == 3:
        np.testing.assert_allclose(namespace["predictions"].sum(axis=1), 1, rtol=1e-12)
