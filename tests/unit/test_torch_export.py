"""The PyTorch export, run as PyTorch (torch is a dev requirement; never skipped): for every
activation, loss, optimizer, full batch and mini-batch, in both precisions, the script's
weights after 200 epochs are the app's within 1e-9 (float64) or 1e-4 (float32), relative
to the largest weight. The scripts run in one subprocess (importing torch takes seconds),
one fresh namespace each; one more runs alone, as a learner runs it."""
import itertools
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from playground import Config, TrainingSession
from playground.cli.report import weights_json
from playground.teach.torch_script import script
from tests.support import ROOT

EPOCHS = 200
RTOL = {"float64": 1e-9, "float32": 1e-4}
# The delta rule sums over the points rather than averaging: a tenth of the rate keeps its
# steps the size of the others' (at 0.1 on 30 points it oscillates, and an oscillating run
# amplifies the last bit's rounding to 1e-2 within 200 epochs, in any two programs).
LOSSES = {"mse": {"loss": "mse"}, "bce": {"loss": "bce"},
          "delta-rule": {"loss": "mse", "delta_rule": True, "lr": 0.01}}
RUNNER = """
import contextlib, io, json, runpy, sys
lines = []
for path in sys.argv[1:]:
    sys.argv = [path, '--json']
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(path, run_name='__main__')
    lines.append(out.getvalue().strip().splitlines()[-1])
print(json.dumps(lines))
"""


def run_session(changes=(), **settings):
    """The app's run: EPOCHS epochs, with `changes` [(epoch, {setting: value})] on the way."""
    base = dict(dataset="moons", samples=60, noise=0.2, hidden=(5, 4), epochs=EPOCHS, lr=0.1)
    session = TrainingSession(Config(**{**base, **settings}))
    for epoch, change in [*changes, (EPOCHS, {})]:
        session.advance(epoch - session.epoch)
        session.retune(**change)
    return session


def run_scripts(codes, tmp_path):
    """Each program's last line with --json, parsed; all run in one Python process."""
    paths = []
    for i, code in enumerate(codes):
        paths.append(tmp_path / f"train_{i}.py")
        paths[-1].write_text(code)
    # a guard against a hang, not a speed claim: ~1 min alone, several on a busy machine
    result = subprocess.run([sys.executable, "-c", RUNNER, *map(str, paths)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in json.loads(result.stdout)]


def flat_weights(weights):
    return np.concatenate([np.ravel(layer[k]) for layer in weights for k in ("W", "b")])


def difference(session, out):
    """Largest weight difference over the largest weight; and of the losses, relative."""
    app, torch = flat_weights(weights_json(session.params)), flat_weights(out["weights"])
    h = session.history
    app_losses = h.column("train_loss")[np.isin(h.column("epoch"), range(0, EPOCHS, 100))]
    assert len(out["losses"]) == len(app_losses) == EPOCHS // 100
    loss_diff = np.max(np.abs(np.array(out["losses"]) - app_losses) / app_losses)
    return float(np.max(np.abs(app - torch)) / np.max(np.abs(app))), float(loss_diff)


COMBINATIONS = list(itertools.product(["sigmoid", "tanh", "relu", "leaky-relu", "linear"],
                                      LOSSES, ["sgd", "momentum", "adam"], [0, 16]))


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_every_combination_ends_at_the_apps_weights(precision, tmp_path):
    sessions = [run_session(activation=act, optimizer=opt, batch_size=batch, precision=precision,
                            **{"lr": 0.01 if opt == "adam" else 0.1, **LOSSES[loss]})
                for act, loss, opt, batch in COMBINATIONS]
    outs = run_scripts([script(s) for s in sessions], tmp_path)
    diffs = {combo: difference(s, out) for combo, s, out in zip(COMBINATIONS, sessions, outs)}
    worst = max(diffs, key=lambda c: diffs[c][0])
    print(f"\n{precision}: worst weight difference {diffs[worst][0]:.3g} ({worst}), worst loss "
          f"difference {max(d[1] for d in diffs.values()):.3g}, {len(diffs)} runs")
    assert diffs[worst][0] <= RTOL[precision], (worst, diffs[worst])
    assert max(d[1] for d in diffs.values()) <= RTOL[precision]


SCENARIOS = {
    "l2": dict(regularization="l2", reg_rate=0.01),
    "l1": dict(regularization="l1", reg_rate=0.003, activation="relu"),
    "features": dict(features=("x1", "x2", "x1_sq", "sin_x2", "x1_x2")),
    "tutorial": dict(dataset="xor", samples=4, noise=0.0, test_fraction=0.0, hidden=(2,),
                     activation="sigmoid", loss="mse", delta_rule=True, init="randn"),
    "changes": dict(changes=[(0, {"lr": 0.3}), (50, {"lr": 0.05, "batch_size": 8}),
                             (90, {"optimizer": "momentum", "loss": "mse"}),
                             (130, {"regularization": "l2", "reg_rate": 0.01, "batch_size": 0}),
                             (170, {"optimizer": "adam", "lr": 0.01})]),
}


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_regularization_features_and_mid_run_changes(precision, tmp_path):
    sessions = {name: run_session(precision=precision, **settings)
                for name, settings in SCENARIOS.items()}
    assert sessions["changes"].changes[0] == (0, {"lr": 0.3})
    outs = run_scripts([script(s) for s in sessions.values()], tmp_path)
    for (name, session), out in zip(sessions.items(), outs):
        weights, losses = difference(session, out)
        assert weights <= RTOL[precision] and losses <= RTOL[precision], (name, weights, losses)


PROBLEM_TYPES = {
    "3 classes": dict(dataset="spiral", classes=3, loss="ce", noise=0.05),
    "regression": dict(problem="regression", dataset="multi-gaussian", loss="mse"),
}


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_three_classes_and_regression_end_at_the_apps_weights(precision, tmp_path):
    """Softmax + cross-entropy (nn.CrossEntropyLoss on the logits, class indices) and a
    linear output + MSELoss, full batch and mini-batch, with plain and adaptive steps."""
    runs = {(name, batch, opt): run_session(precision=precision, batch_size=batch, optimizer=opt,
                                            lr=0.01 if opt == "adam" else 0.1, **settings)
            for name, settings in PROBLEM_TYPES.items() for batch in (0, 16)
            for opt in ("sgd", "adam")}
    outs = run_scripts([script(s) for s in runs.values()], tmp_path)
    for (key, session), out in zip(runs.items(), outs):
        assert session.epoch == EPOCHS and np.shape(out["weights"][-1]["W"])[1] == session.units
        weights, losses = difference(session, out)
        assert weights <= RTOL[precision] and losses <= RTOL[precision], (key, weights, losses)


def test_the_script_runs_alone_and_prints_the_tutorials_lines(tmp_path):
    session = run_session(batch_size=10, optimizer="momentum")
    path = tmp_path / "train_network.py"
    path.write_text(script(session))
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.findall(r"^Epoch (\d+), Loss: \S+$", result.stdout, re.M) == ["0", "100"]
    assert "Predictions:" in result.stdout and "Training accuracy:" in result.stdout


def test_the_script_is_idiomatic_pytorch():
    code = script(run_session(optimizer="adam", activation="relu", lr=0.01))
    compile(code, "train_network.py", "exec")
    for piece in ("nn.Sequential(", "nn.Linear(2, 5), nn.ReLU()", "torch.optim.Adam(",
                  "loss.backward()", "optimizer.step()", "optimizer.zero_grad()"):
        assert piece in code


def cli(*args):
    return subprocess.run([sys.executable, "-m", "playground", *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


@pytest.mark.parametrize("form, flags", [
    ("torch", ["--preset", "tutorial", "--epochs", "300"]),
    ("numpy", ["--preset", "tutorial", "--epochs", "300"]),
    ("torch", ["--hidden", "4,3", "--batch-size", "16", "--samples", "60", "--epochs", "300",
               "--optimizer", "adam", "--lr", "0.01", "--precision", "float64"]),
    ("numpy", ["--hidden", "4,3", "--batch-size", "16", "--samples", "60", "--epochs", "300"])])
def test_the_command_line_writes_a_script_that_matches_train_json(form, flags, tmp_path):
    exported = cli("export", "--format", form, *flags)
    assert exported.returncode == 0, exported.stderr
    path = tmp_path / "train_network.py"
    path.write_text(exported.stdout)
    ran = subprocess.run([sys.executable, str(path), "--json"], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    mine = json.loads(ran.stdout.strip().splitlines()[-1])
    trained = json.loads(cli("train", "--json", *flags).stdout.strip().splitlines()[-1])
    assert len(mine["losses"]) == len(trained["losses"]) == 3
    assert [np.shape(layer["W"]) for layer in mine["weights"]] == \
        [np.shape(layer["W"]) for layer in trained["weights"]]
    rtol = 1e-9 if trained["config"]["precision"] == "float64" else 1e-4
    np.testing.assert_allclose(mine["losses"], trained["losses"], rtol=rtol)
    np.testing.assert_allclose(flat_weights(mine["weights"]), flat_weights(trained["weights"]),
                               rtol=rtol, atol=rtol * np.abs(flat_weights(trained["weights"])).max())


@pytest.mark.parametrize("flags, says", [(["--format", "jax"], "invalid choice: 'jax'"),
                                         (["--lr", "-1"], "learning rate must be"),
                                         (["--hidden", "8,x"], "expected whole numbers")])
def test_bad_export_flags_get_one_line_and_exit_2(flags, says):
    result = cli("export", *flags)
    assert result.returncode == 2 and result.stdout == ""
    assert says in result.stderr and result.stderr.count("\n") == 1
