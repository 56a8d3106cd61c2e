"""Downloads: weights JSON, history and dataset CSV, and the standalone script, which is run
as a learner runs it (a subprocess) and must print the app's numbers."""
import ast
import csv
import io
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from tools import tutorial_oracle as oracle
from playground import Config, TrainingSession
from playground.config import from_preset
from playground.teach.export import dataset_csv, history_csv, script, weights_json
from playground.history import COLUMNS
from playground.fast import W_and_b

RTOL = 1e-5              # the brief: the script's numbers are the app's within 1e-5
TUTORIAL_RTOL = 1e-12    # float64 and the tutorial's own arithmetic


def run_script(code, tmp_path):
    """Run the program; return its printed losses {epoch: loss}, predictions and output."""
    path = tmp_path / "nn_run.py"
    path.write_text(code)
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    losses = {int(e): float(x) for e, x in re.findall(r"^Epoch (\d+), Loss: (\S+)$", out, re.M)}
    head, _, table = out.partition("Predictions: \n")
    predictions = np.array(table.replace("[", " ").replace("]", " ").split(), dtype=float)
    return losses, predictions, out


def app_losses(session):
    h = session.history
    return dict(zip(h.column("epoch").astype(int).tolist(), h.column("train_loss").tolist()))


def worst_differences(session, losses, predictions):
    """Worst relative difference of the printed losses and predictions from the app's."""
    expected = app_losses(session)
    assert sorted(losses) == list(range(0, session.epoch, 100))
    loss_diff = max(abs(losses[e] - expected[e]) / abs(expected[e]) for e in losses)
    app = session.predict(session.data.X_train).ravel()        # K probabilities a point
    assert predictions.shape == app.shape
    printed = predictions.astype(app.dtype).astype(float)      # every digit was printed
    app = app.astype(float)
    return loss_diff, float(np.max(np.abs(printed - app) / np.abs(app)))


def check_script(session, tmp_path, rtol=RTOL):
    losses, predictions, out = run_script(script(session), tmp_path)
    loss_diff, prediction_diff = worst_differences(session, losses, predictions)
    print(f"worst relative difference: losses {loss_diff:.3g}, predictions {prediction_diff:.3g}")
    assert loss_diff <= rtol and prediction_diff <= rtol
    return losses, predictions, out


def trained(config, epochs):
    session = TrainingSession(config)
    session.advance(epochs)
    assert session.epoch == epochs and not session.diverged
    return session


# -- the script reproduces runs -------------------------------------------------------------
def test_tutorial_preset_script_prints_the_tutorials_numbers(tmp_path):
    session = trained(from_preset("tutorial"), 10_000)
    losses, predictions, out = check_script(session, tmp_path, TUTORIAL_RTOL)
    net, oracle_losses = oracle.train_network_logged(oracle.X, oracle.y, 2, 2, 1, 10_000, 0.1)
    np.testing.assert_allclose([losses[e] for e in sorted(losses)], oracle_losses,
                               rtol=TUTORIAL_RTOL, atol=0)
    np.testing.assert_allclose(predictions, oracle.predict(net, oracle.X).ravel(),
                               rtol=TUTORIAL_RTOL, atol=0)
    lines = out.splitlines()
    assert lines[0].startswith("Epoch 0, Loss: ") and lines[99].startswith("Epoch 9900, Loss: ")
    assert lines[100] == "Predictions: " and lines[101].startswith("[[")


def test_tutorial_preset_script_reads_like_the_tutorial():
    code = script(trained(from_preset("tutorial"), 100))
    for line in ("z1 = np.dot(X, W1) + b1", "a2 = sigmoid(z2)",
                 "return np.mean((y_true - y_pred) ** 2)",
                 "def train_network(X, y, epochs, learning_rate):",
                 "print(f'Epoch {epoch}, Loss: {loss}')", "print(f'Predictions: \\n{predictions}')",
                 "db1 = np.sum(delta1, axis=0, keepdims=True)"):
        assert line in code
    assert "with_ones" not in code and "DTYPE = np.float64" in code


def test_moons_float32_full_batch_runs_the_epochs_run_so_far(tmp_path):
    config = Config(dataset="moons", hidden=(8, 8), activation="tanh", loss="bce")
    session = trained(config, 1_500)            # of the 100,000 configured
    assert config.epochs == 100_000 and config.precision == "float32"
    losses, _, _ = check_script(session, tmp_path)
    assert len(losses) == 15


def test_mini_batch_adam_with_l2(tmp_path):
    config = Config(dataset="circles", samples=300, hidden=(8, 4), activation="tanh",
                    optimizer="adam", lr=0.01, batch_size=32, regularization="l2",
                    reg_rate=0.001, epochs=400)
    check_script(trained(config, 400), tmp_path)


def test_relu_momentum_mse_with_extra_features(tmp_path):
    """A chaotic run: one ulp in one weight moves its loss by 1e-3, so only the app's exact
    order of operations keeps the script within 1e-5."""
    config = Config(dataset="xor-cloud", samples=300, hidden=(8, 4), activation="relu",
                    loss="mse", optimizer="momentum", lr=0.05,
                    features=("x1", "x2", "x1_sq", "x1_x2", "sin_x1"), epochs=1000)
    session = trained(config, 1000)
    check_script(session, tmp_path)
    code = script(session)
    assert "np.stack([x1, x2, x1 * x1, x1 * x2, np.sin(x1)], axis=1)" in code
    assert "relu_derivative" in code and "state['v'][name]" in code


def test_mid_run_changes_are_replayed_at_their_epochs(tmp_path):
    config = Config(dataset="spiral", samples=300, hidden=(8, 8), activation="tanh", lr=0.1,
                    batch_size=50, epochs=1000)
    session = TrainingSession(config)
    session.advance(300)
    session.retune(lr=0.03)
    session.advance(300)
    session.retune(optimizer="momentum", batch_size=0)
    session.advance(150)
    assert session.changes == [(300, {"lr": 0.03}),
                               (600, {"optimizer": "momentum", "batch_size": 0})]
    check_script(session, tmp_path)
    code = script(session)
    assert "if epoch == 300:\n            learning_rate = 0.03" in code
    assert "if epoch == 600:\n            optimizer = 'momentum'" in code


def test_float64_leaky_relu_with_l1_and_a_loss_change(tmp_path):
    config = Config(dataset="gaussians", samples=120, hidden=(5,), activation="leaky-relu",
                    regularization="l1", reg_rate=0.01, precision="float64", lr=0.3, epochs=500)
    session = TrainingSession(config)
    session.advance(250)
    session.retune(loss="mse")
    session.advance(250)
    check_script(session, tmp_path)


def test_chunked_predictions_past_2048_training_points(tmp_path):
    config = Config(dataset="moons", samples=2400, test_fraction=0.1, hidden=(8, 3),
                    activation="sigmoid", epochs=101)
    check_script(trained(config, 101), tmp_path)


@pytest.mark.parametrize("precision", ["float32", "float64"])
def test_a_three_class_softmax_run(precision, tmp_path):
    config = Config(dataset="spiral", classes=3, loss="ce", samples=150, hidden=(8, 6),
                    optimizer="adam", lr=0.02, epochs=400, precision=precision)
    session = trained(config, 400)
    _, predictions, _ = check_script(session, tmp_path)
    assert predictions.shape == (75 * 3,)                # 3 probabilities per point, printed
    code = script(session)
    assert "def softmax(z):" in code and "a3 = softmax(z3)" in code
    assert "y = np.eye(3, dtype=DTYPE)[labels_train]" in code
    assert "3 softmax output units" in code.replace("\n# ", " ")


@pytest.mark.parametrize("dataset, hidden, activation", [("plane", (2,), "linear"),
                                                         ("multi-gaussian", (8, 8), "tanh")])
def test_a_regression_run(dataset, hidden, activation, tmp_path):
    config = Config(dataset=dataset, problem="regression", loss="mse", samples=120,
                    hidden=hidden, activation=activation, lr=0.01, batch_size=16, epochs=300)
    session = trained(config, 300)
    check_script(session, tmp_path)
    code = script(session)
    assert "a linear output unit (regression)" in code.replace("\n# ", " ")
    assert "labels_train = np.array([" in code and "sigmoid" not in code


def test_weights_and_data_of_other_problem_types_carry_their_output_and_targets():
    session = trained(Config(dataset="gaussians", classes=4, loss="ce", samples=40,
                             hidden=(3,), epochs=5), 5)
    doc = json.loads(weights_json(session))
    assert doc["config"]["classes"] == 4 and doc["layers"][-1]["activation"] == "softmax"
    assert np.shape(doc["layers"][-1]["W"]) == (3, 4)
    _, rows = parse_csv(dataset_csv(session.data))
    assert {r[2] for r in rows} == {"0", "1", "2", "3"}
    session = trained(Config(dataset="plane", problem="regression", loss="mse", samples=40,
                             epochs=5), 5)
    assert json.loads(weights_json(session))["layers"][-1]["activation"] == "linear"
    _, rows = parse_csv(dataset_csv(session.data))
    targets = np.concatenate([session.data.y_train, session.data.y_test])
    assert [float(r[2]) for r in rows] == targets.tolist()      # every digit


def test_a_change_appears_once_an_epoch_has_used_it():
    config = Config(dataset="moons", samples=40, epochs=20)
    session = TrainingSession(config)
    session.advance(10)
    session.retune(lr=0.5)
    assert "learning_rate = 0.5" not in script(session)   # not run yet
    session.advance(5)
    assert "if epoch == 10:\n            learning_rate = 0.5" in script(session)


def test_settings_changed_before_the_first_epoch_need_no_starting_config(tmp_path):
    """The app retunes before Play too: those changes are simply the run's settings."""
    session = TrainingSession(Config(dataset="moons", samples=80, hidden=(4,), epochs=300))
    session.retune(lr=0.5, optimizer="momentum")
    session.advance(300)
    assert session.changes == [(0, {"lr": 0.5, "optimizer": "momentum"})]
    check_script(session, tmp_path)
    assert "learning_rate = 0.5" in script(session) and "if epoch ==" not in script(session)


# -- the script is a standalone, readable program ---------------------------------------------
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky-relu", "linear"])
def test_script_imports_only_numpy_and_names_the_tutorials_functions(activation):
    config = Config(dataset="moons", samples=40, hidden=(3, 2), activation=activation,
                    epochs=30, optimizer="adam")
    code = script(trained(config, 30))
    tree = ast.parse(code)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    assert imported == {"numpy", "sys", "contextlib", "io", "json"}   # NumPy, else stdlib
    assert not any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert {"initialize_network", "sigmoid", "sigmoid_derivative", "forward_propagation",
            "compute_loss", "backward_propagation", "update_parameters", "train_network",
            "predict", activation.replace("-", "_")} <= defined
    for name in ("W1", "b1", "W2", "b2", "W3", "b3", "dW3", "db1"):
        assert re.search(rf"\b{name}\b", code)
    assert code.startswith("# NN Playground") and "How to run it" in code
    assert "It ran 30 epochs" in code


def test_script_embeds_points_and_initial_weights_exactly():
    session = trained(Config(dataset="circles", samples=30, hidden=(4,), epochs=5), 5)
    namespace = {}
    code = script(session)
    with np.printoptions():         # the script sets NumPy's print options: not ours after
        exec(code.split("\nX = ")[0], namespace)    # everything but the training run
    np.testing.assert_array_equal(namespace["points_train"], session.data.X_train)
    np.testing.assert_array_equal(namespace["points_test"], session.data.X_test)
    np.testing.assert_array_equal(namespace["labels_train"], session.data.y_train)
    start = namespace["initialize_network"]()
    for l, (W, b) in enumerate(W_and_b(session.initial_params), start=1):
        assert start[f"W{l}"].dtype == W.dtype == np.float32
        np.testing.assert_array_equal(start[f"W{l}"], W)
        np.testing.assert_array_equal(start[f"b{l}"], b)


# -- weights, history, data --------------------------------------------------------------------
def test_weights_json_names_shapes_and_values():
    session = trained(Config(dataset="moons", samples=60, hidden=(5, 3), epochs=20), 20)
    doc = json.loads(weights_json(session))
    assert doc["schema_version"] == 1 and doc["epoch"] == 20
    assert doc["config"] == session.config.to_dict()
    assert [layer["name"] for layer in doc["layers"]] == ["hidden 1", "hidden 2", "output"]
    assert [layer["activation"] for layer in doc["layers"]] == ["tanh", "tanh", "sigmoid"]
    for layer, (W, b), shape in zip(doc["layers"], W_and_b(session.params),
                                    [(2, 5), (5, 3), (3, 1)]):
        assert np.array(layer["W"]).shape == shape and len(layer["b"]) == shape[1]
        assert layer["W"] == W.astype(float).tolist()            # unrounded
        assert layer["b"] == b.astype(float).ravel().tolist()


def parse_csv(text):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def test_history_csv_has_a_row_per_recorded_epoch():
    session = trained(Config(dataset="moons", samples=60, epochs=40), 40)
    header, rows = parse_csv(history_csv(session))
    assert header == list(COLUMNS)
    assert len(rows) == session.history.n == 40
    assert [int(r[0]) for r in rows] == list(range(40))
    assert [float(r[1]) for r in rows] == session.history.column("train_loss").tolist()
    assert all(r[3] and r[4] for r in rows)


def test_history_csv_leaves_missing_test_values_empty():
    session = trained(from_preset("tutorial", epochs=10), 10)      # xor: no test set
    header, rows = parse_csv(history_csv(session))
    assert len(rows) == 10
    assert all(r[3] == "" and r[4] == "" and r[1] != "" for r in rows)


def test_dataset_csv_lists_every_point_with_its_split():
    session = TrainingSession(Config(dataset="spiral", samples=50, test_fraction=0.2))
    header, rows = parse_csv(dataset_csv(session.data))
    assert header == ["x1", "x2", "label", "split"]
    train = [r for r in rows if r[3] == "train"]
    test = [r for r in rows if r[3] == "test"]
    assert (len(train), len(test)) == (40, 10) and len(rows) == 50
    np.testing.assert_array_equal([[float(r[0]), float(r[1])] for r in train], session.data.X_train)
    np.testing.assert_array_equal([int(r[2]) for r in test], session.data.y_test)
    assert {r[2] for r in rows} == {"0", "1"}


# -- the script's --json is the command line's ----------------------------------------------
JSON_RUNS = [
    ["--dataset", "moons", "--samples", "120", "--hidden", "6,4", "--optimizer", "momentum",
     "--batch-size", "16", "--epochs", "300", "--lr", "0.2", "--regularization", "l2"],
    ["--dataset", "circles", "--samples", "80", "--activation", "relu", "--loss", "mse",
     "--optimizer", "adam", "--lr", "0.01", "--epochs", "250", "--precision", "float64"],
    ["--preset", "tutorial", "--epochs", "700"],
    ["--dataset", "spiral", "--classes", "4", "--samples", "120", "--hidden", "8,8",
     "--optimizer", "adam", "--lr", "0.02", "--epochs", "300"],
    ["--problem", "regression", "--dataset", "multi-gaussian", "--samples", "100",
     "--hidden", "6", "--epochs", "300", "--lr", "0.05", "--precision", "float64"],
]


def last_json_line(args, cwd):
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True,
                            timeout=120, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("flags", JSON_RUNS, ids=["float32-minibatch", "float64-adam", "tutorial",
                                              "4-classes", "regression"])
def test_script_json_is_the_cli_json_for_the_same_flags(flags, tmp_path):
    """`python -m playground train --json FLAGS` and the exported script of the same run,
    run with --json: the same losses (every 100th epoch, before its update) and weights."""
    from playground.cli.main import build_parser, config_from_args
    from playground.cli.report import train
    from tests.support import ROOT
    cli = last_json_line(["-m", "playground", "train", "--json", *flags], ROOT)
    session, _ = train(config_from_args(build_parser().parse_args(["train", *flags])))
    path = tmp_path / "train_network.py"
    path.write_text(script(session))
    exported = last_json_line([str(path), "--json"], tmp_path)
    assert set(exported) == {"losses", "weights"}
    assert len(exported["losses"]) == -(-session.epoch // 100) >= 3      # epochs 0, 100, ...
    assert exported["losses"] == cli["losses"]
    assert exported["weights"] == cli["weights"]
