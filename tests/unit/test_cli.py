"""`python -m playground train`, run as a user runs it: in a subprocess."""
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tools import tutorial_oracle as oracle
from playground.activations import ACTIVATIONS
from playground.config import INITS, PRESETS, REGULARIZATIONS
from playground.data.datasets import DATASETS
from playground.data.features import FEATURES
from playground.losses import LOSSES
from playground.optimizers import OPTIMIZERS
from tests.support import ROOT



def cli(*args):
    return subprocess.run([sys.executable, "-m", "playground", "train", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def cli_json(*args):
    result = cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    return line, json.loads(line)


@pytest.fixture(scope="module")
def tutorial_run():
    """The tutorial preset's JSON line and object, and the oracle's run of the same."""
    line, report = cli_json("--preset", "tutorial")
    net, losses = oracle.train_network_logged(oracle.X, oracle.y, 2, 2, 1, 10_000, 0.1)
    return line, report, net, losses


def test_tutorial_json_is_one_compact_line_with_every_key(tutorial_run):
    line, report, _, _ = tutorial_run
    assert line == json.dumps(report, separators=(",", ":"))
    assert {"schema_version", "config", "losses", "predictions", "train_accuracy",
            "test_accuracy", "epochs_run", "X_train", "y_train", "initial_weights",
            "weights"} <= set(report)
    assert report["config"]["preset"] == "tutorial" and report["config"]["hidden"] == [2]
    assert report["epochs_run"] == 10_000
    assert report["train_accuracy"] == 0.5 and report["test_accuracy"] is None
    assert report["X_train"] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert report["y_train"] == [0, 1, 1, 0]


def test_tutorial_json_numbers_match_the_oracle(tutorial_run):
    _, report, net, losses = tutorial_run
    assert len(report["losses"]) == 100
    np.testing.assert_allclose(report["losses"], losses, rtol=1e-12, atol=0)
    assert len(report["predictions"]) == 4
    np.testing.assert_allclose(report["predictions"], oracle.predict(net, oracle.X).ravel(),
                               rtol=1e-12, atol=0)


def test_tutorial_json_weights_are_the_oracles(tutorial_run):
    _, report, net, _ = tutorial_run
    start = oracle.initialize_network(2, 2, 1)
    first, second = report["initial_weights"]
    assert np.array_equal(first["W"], start["W1"]) and first["b"] == [0.0, 0.0]
    assert np.array_equal(second["W"], start["W2"]) and second["b"] == [0.0]
    trained = report["weights"]
    assert [np.shape(layer["W"]) for layer in trained] == [(2, 2), (2, 1)]
    assert [np.shape(layer["b"]) for layer in trained] == [(2,), (1,)]
    for layer, W, b in zip(trained, ("W1", "W2"), ("b1", "b2")):
        np.testing.assert_allclose(layer["W"], net[W], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer["b"], net[b].ravel(), rtol=1e-12, atol=1e-14)


def test_tutorial_text_prints_what_the_tutorial_prints(tutorial_run):
    _, _, _, losses = tutorial_run
    result = cli("--preset", "tutorial")
    assert result.returncode == 0, result.stderr
    logged = re.findall(r"^Epoch (\d+), Loss: (\S+)$", result.stdout, re.MULTILINE)
    assert [int(e) for e, _ in logged] == list(range(0, 10_000, 100))
    np.testing.assert_allclose([float(v) for _, v in logged], losses, rtol=1e-12, atol=0)
    assert "Predictions: \n[[" in result.stdout


def test_flags_override_the_preset():
    _, report = cli_json("--preset", "tutorial", "--hidden", "3", "--epochs", "300")
    assert report["config"]["hidden"] == [3] and report["epochs_run"] == 300
    assert report["config"]["activation"] == "sigmoid"          # the rest is still the preset
    _, losses = oracle.train_network_logged(oracle.X, oracle.y, 2, 3, 1, 300, 0.1)
    np.testing.assert_allclose(report["losses"], losses, rtol=1e-12, atol=0)
    assert [np.shape(layer["W"]) for layer in report["weights"]] == [(2, 3), (3, 1)]


def test_a_run_with_a_test_set_reports_its_accuracy():
    _, report = cli_json("--dataset", "moons", "--samples", "100", "--epochs", "200",
                         "--test-fraction", "0.3")
    assert isinstance(report["test_accuracy"], float) and 0 <= report["test_accuracy"] <= 1
    assert isinstance(report["test_loss"], float)
    assert len(report["X_train"]) == len(report["y_train"]) == 70
    assert [np.shape(layer["W"]) for layer in report["weights"]] == [(2, 8), (8, 8), (8, 1)]


@pytest.mark.parametrize("flags", [
    ("--epochs", "-1"), ("--dataset", "nope"), ("--hidden", "0"), ("--hidden", "a,b"),
    ("--lr", "nan"), ("--activation", "nope"),
])
def test_bad_flags_exit_2_with_one_line(flags):
    result = cli("--preset", "tutorial", *flags)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert result.stdout == ""


def test_help_names_every_choice():
    result = cli("--help")
    assert result.returncode == 0
    text = re.sub(r"-\s+", "-", result.stdout)              # undo line breaks after hyphens
    text = " ".join(text.split())
    for table in (DATASETS, ACTIVATIONS, LOSSES, OPTIMIZERS, INITS, FEATURES, REGULARIZATIONS,
                  PRESETS):
        for name in table:
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), name


# -- problem types ---------------------------------------------------------------------
FIXTURES = Path(__file__).parent / "fixtures"
OLD_RUNS = {   # JSON lines printed by schema 1 (before problem types), and their flags
    "binary_schema1_moons.json": ("--dataset", "moons", "--samples", "40", "--epochs", "300",
                                  "--hidden", "3", "--seed", "5"),
    "binary_schema1_spiral64.json": ("--dataset", "spiral", "--samples", "30", "--epochs",
                                     "200", "--hidden", "4,3", "--loss", "mse", "--optimizer",
                                     "adam", "--lr", "0.05", "--test-fraction", "0.3",
                                     "--precision", "float64"),
}


@pytest.mark.parametrize("name", list(OLD_RUNS))
def test_a_binary_runs_json_is_schema_1s_key_by_key_but_the_version_and_two_config_keys(name):
    old = json.loads((FIXTURES / name).read_text())
    _, new = cli_json(*OLD_RUNS[name])
    assert old["schema_version"] == 1 and new["schema_version"] == 2
    assert list(new) == list(old)                                   # same keys, same order
    added = {"problem": "classification", "classes": 2}
    assert {k: v for k, v in new["config"].items() if k not in added} == old["config"]
    assert {k: new["config"][k] for k in added} == added
    # The fixtures were printed on another machine, whose kernels round differently (an
    # AVX-512 dot product against an AVX one): equal to the precision's rounding, not ==.
    rel = RELATIVE[old["config"]["precision"]]
    for key in old:
        if key not in ("schema_version", "config"):
            assert_same_numbers(new[key], old[key], rel, key)


RELATIVE = {"float64": 1e-12, "float32": 1e-5}   # far above 200 epochs' drift (2e-14, 2e-6)


def assert_same_numbers(new, old, rel, where):
    """new == old in shape and in every int, string and null; floats within `rel`."""
    if isinstance(old, dict):
        assert isinstance(new, dict) and list(new) == list(old), where
        for k in old:
            assert_same_numbers(new[k], old[k], rel, f"{where}.{k}")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), where
        for i, (a, b) in enumerate(zip(new, old)):
            assert_same_numbers(a, b, rel, f"{where}[{i}]")
    elif isinstance(old, float):
        assert new == pytest.approx(old, rel=rel, abs=0), where
    else:
        assert type(new) is type(old) and new == old, where


# Runs that clearly fail, finite all along (issue 20's table): first loss -> last, accuracy
FAILED_RUNS = {
    "0.692 -> 1.035, 49%": "--lr 10 --activation relu --dataset spiral --optimizer sgd",
    "0.703 -> 0.879, 47%": "--lr 10 --activation sigmoid --dataset circles --optimizer adam",
    "0.696 -> 2.759, 47%": "--lr 50 --activation relu --dataset circles --optimizer sgd",
    "0.688 -> 2.450, 50%": "--lr 10 --activation tanh --dataset spiral --optimizer adam",
    "0.69 -> 1.92, 49%": "--lr 50 --activation relu --dataset spiral --hidden 8,8 --seed 1",
}


@pytest.mark.parametrize("flags", FAILED_RUNS.values(), ids=FAILED_RUNS)
def test_a_run_that_ends_worse_than_it_started_is_named_in_diverged(flags):
    _, report = cli_json(*flags.split(), "--epochs", "2000")
    said = report["diverged"] or ""
    assert said.startswith("Training failed by epoch"), said
    assert report["epochs_run"] < 2000
    lr = flags.split()[1]
    assert f"lower the learning rate (now {lr}) to between" in said


def test_a_three_class_run_reports_class_indices_and_k_probabilities():
    _, report = cli_json("--classes", "3", "--dataset", "spiral", "--samples", "60",
                         "--epochs", "300", "--hidden", "6")
    assert report["config"]["classes"] == 3 and report["config"]["loss"] == "ce"
    assert set(report["y_train"]) == {0, 1, 2}
    predictions = np.array(report["predictions"])
    assert predictions.shape == (len(report["y_train"]), 3)
    np.testing.assert_allclose(predictions.sum(axis=1), 1, rtol=1e-5)
    assert [np.shape(layer["W"]) for layer in report["weights"]] == [(2, 6), (6, 3)]
    assert np.shape(report["initial_weights"][-1]["b"]) == (3,)
    assert len(report["train_class_accuracy"]) == 3
    assert 0 <= report["train_accuracy"] <= 1


def test_a_regression_run_reports_real_targets_values_and_r2():
    _, report = cli_json("--problem", "regression", "--dataset", "plane", "--samples", "60",
                         "--epochs", "300", "--hidden", "4", "--precision", "float64")
    assert report["config"]["problem"] == "regression" and report["config"]["loss"] == "mse"
    y = np.array(report["y_train"])
    assert y.dtype == float and len(set(y)) == len(y)              # real numbers, not classes
    assert np.shape(report["predictions"]) == y.shape
    assert report["train_accuracy"] is None and report["test_accuracy"] is None
    mse = np.mean((y - np.array(report["predictions"])) ** 2)
    assert report["train_r2"] == pytest.approx(1 - mse / np.var(y), rel=1e-9)
    assert report["train_loss"] == pytest.approx(mse, rel=1e-12)


@pytest.mark.parametrize("args, says", [
    (("--classes", "3", "--loss", "bce", "--dataset", "spiral"), "the bce loss does not fit 3"),
    (("--problem", "regression", "--dataset", "moons"), "regression needs a regression dataset"),
    (("--classes", "3", "--dataset", "moons"), "moons has 2 classes"),
    (("--classes", "7", "--dataset", "spiral"), "classes must be a whole number from 2 to 6"),
    (("--dataset", "plane"), "plane is a regression dataset"),
    (("--classes", "4", "--dataset", "spiral", "--loss", "mse", "--delta-rule"), "delta rule"),
])
def test_a_wrong_problem_combination_is_one_line_and_exit_code_2(args, says):
    result = cli(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr


# -- your own formula -----------------------------------------------------------------
def test_formula_sets_the_dataset_and_reports_it_as_written_back_from_its_tree():
    _, report = cli_json("--formula", "x2>sin(3*x1)", "--samples", "40", "--epochs", "100")
    assert report["config"]["dataset"] == "formula"
    assert report["config"]["formula"] == "x2 > sin(3*x1)"
    X, y = np.array(report["X_train"]), np.array(report["y_train"])
    assert set(y) == {0, 1}
    assert np.mean((X[:, 1] > np.sin(3 * X[:, 0])) == y) > 0.8    # noise 0.1 blurs the edge
    _, report = cli_json("--formula", "sin(3*x1)*x2", "--problem", "regression",
                         "--samples", "40", "--epochs", "100")
    assert report["config"]["loss"] == "mse" and "train_r2" in report


def test_export_writes_the_checked_formula_never_the_typed_text():
    result = subprocess.run([sys.executable, "-m", "playground", "export", "--formula",
                             "x2>sin( 3*x1 )", "--samples", "20", "--epochs", "10"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "the formula x2 > sin(3*x1)" in result.stdout and "sin( 3" not in result.stdout


@pytest.mark.parametrize("formula, named", [("__import__('os').system('ls')", "`__import__`"),
                                            ("x1 > 5", "false at every point")])
def test_a_refused_formula_exits_2_with_one_line_naming_it(formula, named):
    result = cli("--formula", formula)
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error:") and named in line
