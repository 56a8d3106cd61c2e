"""One run, one owner: the run lives in AppState, is built in one place, and a new network
starts from a pinned run's weights only when they fit it."""
import numpy as np


def state(at):
    return at.session_state["app"]


def test_the_run_lives_in_the_app_state_and_nowhere_else(at):
    assert state(at).run is not None and state(at).run.session.epoch == 0
    assert "run" not in at.session_state


def test_a_new_network_starts_from_the_pin_when_it_fits_and_draws_its_own_when_not(at):
    at.segmented_control(key="panel").set_value("Compare runs").run()
    at.button(key="pin").click().run()
    (pinned,) = state(at).pins

    at.selectbox(key="activation").set_value("relu").run()      # same shapes: the pin's start
    assert state(at).run.session.config.activation == "relu"
    for now, then in zip(state(at).run.session.initial_params, pinned.initial_params):
        assert np.array_equal(now, then)

    at.slider(key="units_1").set_value(5).run()     # 8 -> 5 units: the pin cannot fit
    assert not at.exception
    sizes = [p.shape for p in state(at).run.session.initial_params]
    assert sizes != [p.shape for p in pinned.initial_params]
    assert state(at).run.session.config.layer_sizes == [2, 5, 8, 1]


def test_without_same_init_a_new_network_draws_its_own_weights(at):
    at.segmented_control(key="panel").set_value("Compare runs").run()
    at.button(key="pin").click().run()
    at.toggle(key="same_init").set_value(False).run()
    at.number_input(key="seed").set_value(7).run()
    (pinned,) = state(at).pins
    assert not np.array_equal(state(at).run.session.initial_params[0], pinned.initial_params[0])
