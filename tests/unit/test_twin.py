"""fast.py against network.py: the folded, column-major twin computes what the readable
form computes, to 1e-12, on random float64 networks of several shapes, every activation,
every output (sigmoid with both losses and the tutorial's delta rule, softmax with
cross-entropy, linear with mse); and neither ignores an argument."""
import numpy as np
import pytest

from playground import Config, TrainingSession, fast, network
from playground.activations import ACTIVATIONS
from playground.losses import LOSSES
from playground.optimizers import OPTIMIZERS, new_state
from tests.support import random_targets

TOL = 1e-12
SHAPES = [[2, 1], [2, 2, 1], [3, 5, 1], [7, 8, 8, 1], [4, 16, 3, 6, 1]]
LOSS_CASES = [("sigmoid", "mse", False), ("sigmoid", "bce", False), ("sigmoid", "mse", True),
              ("softmax", "ce", False), ("linear", "mse", False)]
UNITS = {"sigmoid": 1, "softmax": 4, "linear": 1}


def random_net(sizes, seed, n=23, output="sigmoid"):
    """Layers [(W, b), ...] with nonzero biases, inputs X (n, inputs), targets y shaped as
    the output: labels (n, 1), one-hot rows (n, K) or real values (n, 1)."""
    rng = np.random.default_rng(seed)
    sizes = [*sizes[:-1], UNITS[output]]
    layers = [(rng.normal(0, 0.9, (i, o)), rng.normal(0, 0.5, (1, o)))
              for i, o in zip(sizes[:-1], sizes[1:])]
    X = rng.normal(0, 1.5, (n, sizes[0]))
    return layers, X, random_targets(rng, n, output, sizes[-1])


def close(mine, theirs):
    np.testing.assert_allclose(mine, theirs, rtol=TOL, atol=TOL)


@pytest.mark.parametrize("output, loss, delta_rule", LOSS_CASES)
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("shape", range(len(SHAPES)))
def test_forward_and_backward_agree(shape, activation, output, loss, delta_rule):
    layers, X, y = random_net(SHAPES[shape], seed=shape, output=output)
    params = fast.from_W_and_b(layers)
    Xe = fast.with_ones(X, np.float64)
    ws, readable = fast.Workspace(params, len(y)), network.Workspace(layers, len(y))
    with np.errstate(all="ignore"):
        close(ws.forward(Xe, activation, output), readable.forward(X, activation, output))
        for l in range(len(layers)):
            close(ws.z[l], readable.z[l])
            close(ws.a[l], readable.a[l])
        close(ws.backward(Xe, y, activation, loss, delta_rule, output),
              readable.backward(X, y, activation, loss, delta_rule, output))
    for (dW, db), (dW2, db2) in zip(ws.grads, readable.grads):
        close(dW, dW2)
        close(db, db2)
    assert np.abs(ws.grad).max() > 1e-6                      # not trivially zero
    a, z = readable.a[-1], readable.z[-1]
    entry = LOSSES[loss]
    assert entry.fast_value(y, a, z) == pytest.approx(entry.value(y, a, z), rel=TOL)


@pytest.mark.parametrize("output", list(UNITS))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_predictions_and_layer_outputs_agree(activation, output):
    layers, X, _ = random_net([3, 6, 4, 1], seed=7, n=5000, output=output)  # past the chunk
    params = fast.from_W_and_b(layers)
    Xe = fast.with_ones(X, np.float64)
    predicted = fast.predict(params, Xe, activation, output=output)
    assert predicted.shape == (5000, UNITS[output])
    close(predicted, network.predict(layers, X, activation, output))
    with np.errstate(all="ignore"):
        readable = network.forward(layers, X, activation, output=output)[1].a
    for mine, theirs in zip(fast.layer_outputs(params, Xe, activation, output), readable):
        close(mine, theirs)


def test_two_hundred_training_steps_stay_together():
    """Float64 training with each form (readable: the session's own engine) ends within
    1e-12 of the other's weights after 200 full-batch momentum steps."""
    config = Config(dataset="moons", samples=60, hidden=(5, 4), activation="tanh",
                    optimizer="momentum", lr=0.3, precision="float64", epochs=200)
    session = TrainingSession(config)
    assert session.exact
    params = [p.copy() for p in session.initial_params]
    theta, params = fast.flat(params)
    state, ws = new_state([theta]), fast.Workspace(params, len(session.y))
    Xe = fast.with_ones(session.X, np.float64)
    for _ in range(200):
        ws.forward(Xe, "tanh")
        OPTIMIZERS["momentum"].step([theta], [ws.backward(Xe, session.y, "tanh", "bce", False)],
                                    state, 0.3)
    session.advance(200)
    close(theta, session.theta)
    assert not np.allclose(theta, fast.flat(session.initial_params)[0])     # it trained


def test_each_form_computes_with_the_parameters_it_is_given():
    """No argument is ignored: the fast workspace computes with the parameters it was made
    from (and sees them change in place); the readable form with the layers it is passed."""
    layers, X, _ = random_net([2, 3, 1], seed=3, n=4)
    params = fast.from_W_and_b(layers)
    ws = fast.Workspace(params, 4)
    Xe = fast.with_ones(X, np.float64)
    before = ws.forward(Xe, "tanh").copy()
    params[1][-1] += 1.0                                      # the output bias, in place
    assert not np.allclose(ws.forward(Xe, "tanh"), before)
    other = [(W * 2, b) for W, b in layers]
    assert not np.allclose(network.predict(other, X, "tanh"), network.predict(layers, X, "tanh"))
