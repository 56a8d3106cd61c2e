"""Which changes build a new network, and which weights may start one (the core's rules,
read by the app's one builder of runs)."""
from playground import Config, TrainingSession
from playground.session import fits, rebuilt_by, tuned_by


def test_training_settings_tune_and_the_rest_rebuild():
    old = Config()
    new = old.replace(lr=0.03, optimizer="adam", hidden=(4,), seed=7, preset="tutorial")
    assert rebuilt_by(old, new) == ["hidden", "seed"]           # the preset's name is no change
    assert tuned_by(old, new) == {"lr": 0.03, "optimizer": "adam"}
    assert rebuilt_by(old, old) == [] and tuned_by(old, old) == {}


def test_weights_fit_a_config_with_the_same_inputs_layers_and_outputs():
    start = TrainingSession(Config(samples=40)).initial_params      # 2-8-8-1
    assert fits(Config(activation="relu", seed=3, init="he"), start)
    assert not fits(Config(hidden=(8, 4)), start)
    assert not fits(Config(features=("x1", "x2", "x1_sq")), start)
    assert not fits(Config(dataset="spiral", classes=3, loss="ce"), start)    # 3 outputs
    assert fits(Config(problem="regression", dataset="plane", loss="mse"), start)


def test_layer_sizes_are_the_shapes_a_session_builds():
    for c in (Config(samples=40), Config(dataset="spiral", classes=4, loss="ce", samples=40),
              Config(features=("x1",), hidden=(3, 5, 2), samples=40)):
        assert fits(c, TrainingSession(c).initial_params)
        assert c.layer_sizes[0] == len(c.features) and c.layer_sizes[1:-1] == list(c.hidden)
