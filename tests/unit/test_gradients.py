"""Backpropagation against central finite differences, in float64, and the losses'
and activations' formulas against their textbook forms."""
import math
import warnings

import numpy as np
import pytest

from playground import network
from playground.activations import ACTIVATIONS
from playground.losses import LOSSES
from playground.outputs import OUTPUTS, softmax, targets
from tests.support import numeric_gradient as central_differences, random_targets

H = 1e-6
SIZES = [3, 4, 3, 1]          # inputs, two hidden layers, the sigmoid output


OUTPUT_LOSSES = [(output, loss) for output, entry in OUTPUTS.items() for loss in entry.losses]
CLASSES = 3                   # softmax units in the multi-class case


def tiny_problem(seed=0, n=7, output="sigmoid"):
    """A random float64 net and batch: layers [(W, b), ...], inputs X (n, 3), targets shaped
    as the output: labels (n, 1), one-hot rows (n, 3) or real values (n, 1)."""
    rng = np.random.default_rng(seed)
    sizes = [*SIZES[:-1], CLASSES if output == "softmax" else 1]
    layers = [(rng.normal(0, 0.8, (fan_in, fan_out)), rng.normal(0, 0.8, (1, fan_out)))
              for fan_in, fan_out in zip(sizes[:-1], sizes[1:])]
    X = rng.normal(0, 1, (n, sizes[0]))
    return layers, X, random_targets(rng, n, output, sizes[-1])


def numeric_gradient(objective, layers):
    """d objective / d every W and b, by central differences."""
    return central_differences(objective, [p for W, b in layers for p in (W, b)], H)


def flat_pairs(grads):
    return [g for pair in grads for g in pair]


def relative_error(analytic, numeric):
    a, b = np.concatenate([g.ravel() for g in analytic]), np.concatenate([g.ravel() for g in numeric])
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
@pytest.mark.parametrize("output, loss", OUTPUT_LOSSES)
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_backward_matches_finite_differences(activation, output, loss, regularization):
    layers, X, y = tiny_problem(output=output)
    rate = 0.05

    def objective():
        a, cache = network.forward(layers, X, activation, output=output)
        return network.loss(y, a, cache.z[-1], loss) + network.penalty(layers, regularization, rate)

    a, cache = network.forward(layers, X, activation, output=output)
    analytic = network.backward(layers, cache, X, y, activation, loss, output=output)
    network.add_penalty(layers, analytic, regularization, rate)
    analytic = [g.copy() for g in flat_pairs(analytic)]
    numeric = numeric_gradient(objective, layers)
    assert relative_error(analytic, numeric) < 1e-6
    assert max(np.abs(g).max() for g in analytic) > 1e-3       # not trivially zero


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_delta_rule_is_the_gradient_of_half_the_summed_squared_error(activation):
    layers, X, y = tiny_problem(seed=1)

    def objective():
        a, _ = network.forward(layers, X, activation)
        return 0.5 * float(np.sum((y - a) ** 2))

    a, cache = network.forward(layers, X, activation)
    analytic = flat_pairs(network.backward(layers, cache, X, y, activation, "mse", delta_rule=True))
    assert relative_error(analytic, numeric_gradient(objective, layers)) < 1e-6


def test_penalty_formulas():
    layers, _, _ = tiny_problem()
    W = [W for W, _ in layers]
    assert network.penalty(layers, "none", 0.3) == 0.0
    assert network.penalty(layers, "l1", 0.3) == pytest.approx(0.3 * sum(np.abs(w).sum() for w in W))
    assert network.penalty(layers, "l2", 0.3) == pytest.approx(0.15 * sum((w * w).sum() for w in W))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_bce_value_is_the_textbook_cross_entropy():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 3, (50, 1))
    y = rng.integers(0, 2, (50, 1)).astype(float)
    a = sigmoid(z)
    textbook = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert LOSSES["bce"].value(y, a, z) == pytest.approx(textbook, rel=1e-12)


def test_every_loss_has_an_output_and_the_cases_cover_softmax_and_linear():
    assert {loss for _, loss in OUTPUT_LOSSES} == set(LOSSES)
    assert ("softmax", "ce") in OUTPUT_LOSSES and ("linear", "mse") in OUTPUT_LOSSES


def test_ce_value_is_pytorchs_cross_entropy_and_stays_finite():
    """Mean categorical cross-entropy on the logits, as torch.nn.CrossEntropyLoss computes
    it, also for logits of +-1000 where softmax gives exact 0s and log(0) would be -inf."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    for scale in (3, 1000):
        z = rng.normal(0, scale, (30, 4))
        labels = rng.integers(0, 4, 30)
        y = targets(labels, "softmax", 4)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ours = LOSSES["ce"].value(y, softmax(z), z)
        theirs = torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(labels)).item()
        assert math.isfinite(ours) and ours == pytest.approx(theirs, rel=1e-12)


def test_softmax_rows_sum_to_one_even_for_huge_logits():
    z = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    a = softmax(z.copy())
    np.testing.assert_allclose(a.sum(axis=1), 1, rtol=1e-15)
    np.testing.assert_allclose(a[1], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum(), rtol=1e-14)
    assert a[0, 0] == 1.0 and a[0, 2] == 0.0


def test_mse_value_is_the_mean_squared_error():
    rng = np.random.default_rng(4)
    a, y = rng.uniform(0, 1, (20, 1)), rng.integers(0, 2, (20, 1)).astype(float)
    for value in (LOSSES["mse"].value, LOSSES["mse"].fast_value):
        assert value(y, a, None) == pytest.approx(np.mean((y - a) ** 2), rel=1e-12)


def test_bce_stays_finite_for_huge_logits():
    """Logits of +-1000 make a exactly 0 or 1, where log(a) would be -inf; the loss uses z.
    The sigmoid's own overflow is silenced by the caller, as the training loop does."""
    z = np.array([[1000.0], [-1000.0], [1000.0], [-1000.0]])
    y = np.array([[1.0], [0.0], [0.0], [1.0]])
    with np.errstate(over="ignore"):
        a = ACTIVATIONS["sigmoid"].f(z)
    value, delta = LOSSES["bce"].value, LOSSES["bce"].delta
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = value(y, a, z)
        d = delta(y, a, z, np.empty_like(z), np.empty_like(z))
    assert loss == 500.0        # two points right (loss 0), two wrong by a logit of 1000
    np.testing.assert_array_equal(d, [[0.0], [0.0], [0.25], [-0.25]])


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_activation_derivative_in_terms_of_output(activation):
    f, df = ACTIVATIONS[activation].f, ACTIVATIONS[activation].df
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
        np.testing.assert_allclose(ACTIVATIONS[name].f(z.copy()), values, rtol=1e-15, err_msg=name)
