"""The update rules against hand-written references of PyTorch's formulas
(torch.optim.SGD with momentum=0.9, torch.optim.Adam with its defaults)."""
import numpy as np
import pytest

from playground.optimizers import OPTIMIZERS, new_state

STEPS = 6
TARGETS = [np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]]), np.array([0.25, -0.75])]


def start():
    """Two parameter arrays of different shapes, as a network's layers."""
    return [np.array([[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]]), np.array([-1.0, 2.0])]


def gradient(p, target):
    """The gradient of sum((p - target)^2 * [1, 2, 3...]): different curvature per entry."""
    weights = np.arange(1, p.size + 1).reshape(p.shape)
    return 2 * weights * (p - target)


def run(name, lr):
    """STEPS updates by the playground's optimizer; returns the parameters after each."""
    params, trail = start(), []
    state = new_state(params)
    for _ in range(STEPS):
        grads = [gradient(p, t) for p, t in zip(params, TARGETS)]
        OPTIMIZERS[name].step(params, grads, state, lr)
        trail.append([p.copy() for p in params])
    return trail


def reference_sgd(lr):
    params, trail = start(), []
    for _ in range(STEPS):
        params = [p - lr * gradient(p, t) for p, t in zip(params, TARGETS)]
        trail.append(params)
    return trail


def reference_momentum(lr, mu=0.9):
    """PyTorch: buf = g on the first step, then buf = mu * buf + g; p = p - lr * buf."""
    params, bufs, trail = start(), None, []
    for _ in range(STEPS):
        grads = [gradient(p, t) for p, t in zip(params, TARGETS)]
        bufs = grads if bufs is None else [mu * b + g for b, g in zip(bufs, grads)]
        params = [p - lr * b for p, b in zip(params, bufs)]
        trail.append(params)
    return trail


def reference_adam(lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Kingma & Ba with bias correction, as PyTorch's Adam:
    m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
    p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)."""
    params, trail = start(), []
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, STEPS + 1):
        grads = [gradient(p, tg) for p, tg in zip(params, TARGETS)]
        m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, grads)]
        v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, grads)]
        params = [p - lr / (1 - beta1 ** t) * mi / (np.sqrt(vi) / np.sqrt(1 - beta2 ** t) + eps)
                  for p, mi, vi in zip(params, m, v)]
        trail.append(params)
    return trail


@pytest.mark.parametrize("name, reference, lr", [
    ("sgd", reference_sgd, 0.05),
    ("momentum", reference_momentum, 0.02),
    ("adam", reference_adam, 0.1),
])
def test_matches_reference_step_by_step(name, reference, lr):
    for step, (mine, theirs) in enumerate(zip(run(name, lr), reference(lr))):
        for p, q in zip(mine, theirs):
            np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15, err_msg=f"step {step + 1}")


def test_the_three_rules_differ():
    """A guard on the test above: the references are not all the same rule."""
    last = {name: run(name, 0.02)[-1][0] for name in OPTIMIZERS}
    assert not np.allclose(last["sgd"], last["momentum"])
    assert not np.allclose(last["sgd"], last["adam"])


def test_adam_first_step_moves_each_parameter_by_about_lr():
    """With bias correction, Adam's first step is lr * g / (|g| + eps): lr in size, against g."""
    params = start()
    grads = [gradient(p, t) for p, t in zip(params, TARGETS)]
    before = [p.copy() for p in params]
    OPTIMIZERS["adam"].step(params, [g.copy() for g in grads], new_state(params), 0.1)
    for p, b, g in zip(params, before, grads):
        np.testing.assert_allclose(p - b, -0.1 * np.sign(g), rtol=1e-6)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_a_step_leaves_the_callers_gradient_alone(name):
    params = start()
    grads = [gradient(p, t) for p, t in zip(params, TARGETS)]
    kept = [g.copy() for g in grads]
    OPTIMIZERS[name].step(params, grads, new_state(params), 0.1)
    assert all(np.array_equal(g, k) for g, k in zip(grads, kept))
    assert not np.array_equal(params[0], start()[0])


def test_the_constant_cache_stays_bounded_whatever_rates_are_trained():
    """Links can set any learning rate; a hosted server trains many. Before, every distinct
    rate stayed in a module-level dict forever."""
    from playground import Config, TrainingSession, activations
    for i in range(3 * activations.CONST_CACHE):
        activations.const(0.001 + i * 1e-6, np.dtype(np.float32))
    session = TrainingSession(Config(dataset="xor", hidden=(2,), lr=0.123456, epochs=5))
    session.advance(5)
    assert activations.const.cache_info().currsize <= activations.CONST_CACHE
    rate = activations.const(0.123456, np.dtype(np.float32))
    assert rate.dtype == np.float32 and rate == np.float32(0.123456)
