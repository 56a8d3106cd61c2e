"""Backpropagation against central finite differences, in float64, and the losses'
and activations' formulas against their textbook forms."""
import warnings

import numpy as np
import pytest

from playground import network
from playground.activations import ACTIVATIONS
from playground.losses import LOSSES

H = 1e-6
SIZES = [3, 4, 3, 1]          # inputs, two hidden layers, the sigmoid output


def tiny_problem(seed=0, n=7):
    """A random float64 net and batch: params, inputs with the ones column, labels (n, 1)."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(0, 0.8, (fan_in + 1, fan_out))
              for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:])]
    Xe = network.with_ones(rng.normal(0, 1, (n, SIZES[0])), np.float64)
    y = rng.integers(0, 2, (n, 1)).astype(float)
    return params, Xe, y


def numeric_gradient(objective, params):
    """d objective / d every parameter, by central differences, perturbing in place."""
    grads = []
    for Wb in params:
        g = np.zeros_like(Wb)
        for i in np.ndindex(Wb.shape):
            saved = Wb[i]
            Wb[i] = saved + H
            up = objective()
            Wb[i] = saved - H
            down = objective()
            Wb[i] = saved
            g[i] = (up - down) / (2 * H)
        grads.append(g)
    return grads


def relative_error(analytic, numeric):
    a, b = np.concatenate([g.ravel() for g in analytic]), np.concatenate([g.ravel() for g in numeric])
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_backward_matches_finite_differences(activation, loss, regularization):
    params, Xe, y = tiny_problem()
    rate = 0.05
    ws = network.Workspace(params, len(y))

    def objective():
        a = network.forward(params, Xe, activation, ws)
        return LOSSES[loss][0](y, a, ws.z[-1]) + network.penalty(params, regularization, rate)

    network.forward(params, Xe, activation, ws)
    analytic = [g.copy() for g in network.backward(params, Xe, y, activation, loss, ws)]
    network.add_regularization(params, analytic, regularization, rate)
    numeric = numeric_gradient(objective, params)
    assert relative_error(analytic, numeric) < 1e-6
    assert max(np.abs(g).max() for g in analytic) > 1e-3       # not trivially zero


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_delta_rule_is_the_gradient_of_half_the_summed_squared_error(activation):
    params, Xe, y = tiny_problem(seed=1)
    ws = network.Workspace(params, len(y))

    def objective():
        a = network.forward(params, Xe, activation, ws)
        return 0.5 * float(np.sum((y - a) ** 2))

    network.forward(params, Xe, activation, ws)
    analytic = [g.copy() for g in
                network.backward(params, Xe, y, activation, "mse", ws, delta_rule_update=True)]
    assert relative_error(analytic, numeric_gradient(objective, params)) < 1e-6


def test_penalty_formulas():
    params, _, _ = tiny_problem()
    W = [Wb[:-1] for Wb in params]
    assert network.penalty(params, "none", 0.3) == 0.0
    assert network.penalty(params, "l1", 0.3) == pytest.approx(0.3 * sum(np.abs(w).sum() for w in W))
    assert network.penalty(params, "l2", 0.3) == pytest.approx(0.15 * sum((w * w).sum() for w in W))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_bce_value_is_the_textbook_cross_entropy():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 3, (50, 1))
    y = rng.integers(0, 2, (50, 1)).astype(float)
    a = sigmoid(z)
    textbook = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert LOSSES["bce"][0](y, a, z) == pytest.approx(textbook, rel=1e-12)


def test_mse_value_is_the_mean_squared_error():
    rng = np.random.default_rng(4)
    a, y = rng.uniform(0, 1, (20, 1)), rng.integers(0, 2, (20, 1)).astype(float)
    assert LOSSES["mse"][0](y, a, None) == pytest.approx(np.mean((y - a) ** 2), rel=1e-12)


def test_bce_stays_finite_for_huge_logits():
    """Logits of +-1000 make a exactly 0 or 1, where log(a) would be -inf; the loss uses z.
    The sigmoid's own overflow is silenced by the caller, as the training loop does."""
    z = np.array([[1000.0], [-1000.0], [1000.0], [-1000.0]])
    y = np.array([[1.0], [0.0], [0.0], [1.0]])
    with np.errstate(over="ignore"):
        a = ACTIVATIONS["sigmoid"][0](z)
    value, delta = LOSSES["bce"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = value(y, a, z)
        d = delta(y, a, z, np.empty_like(z), np.empty_like(z))
    assert loss == 500.0        # two points right (loss 0), two wrong by a logit of 1000
    np.testing.assert_array_equal(d, [[0.0], [0.0], [0.25], [-0.25]])


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_activation_derivative_in_terms_of_output(activation):
    f, df = ACTIVATIONS[activation]
    rng = np.random.default_rng(5)
    z = rng.normal(0, 2, (40, 3))
    z = z[np.abs(z).min(axis=1) > 1e-3]          # keep clear of relu's kink
    numeric = (f(z + H) - f(z - H)) / (2 * H)
    np.testing.assert_allclose(df(f(z)), numeric, rtol=1e-6, atol=1e-9)
    out = np.empty_like(z)                       # and the in-place form gives the same
    assert df(f(z), out=out) is out
    np.testing.assert_allclose(out, numeric, rtol=1e-6, atol=1e-9)


def test_activation_values_at_a_few_points():
    z = np.array([-2.0, 0.0, 3.0])
    expected = {"sigmoid": 1 / (1 + np.exp(-z)), "tanh": np.tanh(z), "relu": [0.0, 0.0, 3.0],
                "leaky-relu": [-0.02, 0.0, 3.0], "linear": z}
    assert set(expected) == set(ACTIVATIONS)
    for name, values in expected.items():
        np.testing.assert_allclose(ACTIVATIONS[name][0](z.copy()), values, rtol=1e-15, err_msg=name)
