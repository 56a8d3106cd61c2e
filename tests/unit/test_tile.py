"""A student's tile: plain JSON (no NaN), its picture a 48x48 PNG of the run's surface in
the run's colours, its numbers the session's own, its setup a link back to the run."""
import base64
import io
import json
from urllib.parse import parse_qs

import numpy as np
import pytest
from PIL import Image

from playground.config import Config
from playground.history import History
from playground.pictures.colours import LUT
from playground.pictures.pixels import surface_lut
from playground.room.tile import LOSS_POINTS, PICTURE, loss_curve, make_tile
from playground.session import TrainingSession
from playground.teach.links import from_query

KINDS = {
    "two classes": Config(samples=200),
    "four classes": Config(dataset="spiral", classes=4, loss="ce", samples=200),
    "regression": Config(problem="regression", dataset="plane", loss="mse", samples=200),
    "no test set": Config(samples=200, test_fraction=0.0),
}


def trained(config, epochs=300):
    session = TrainingSession(config)
    session.advance(epochs)
    return session


def decoded(tile):
    """The tile's picture as (48, 48, 3) RGB rows, top to bottom, read by Pillow."""
    image = Image.open(io.BytesIO(base64.b64decode(tile["picture"])))
    assert image.format == "PNG" and image.size == (PICTURE, PICTURE)
    return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize("kind", KINDS)
def test_a_tile_is_plain_json_with_the_sessions_numbers(kind):
    session = trained(KINDS[kind])
    tile = make_tile(session, "Student 7")
    assert json.loads(json.dumps(tile, allow_nan=False)) == tile
    m = session.evaluate()
    expected = {"nickname": "Student 7", "epoch": 300, "params": session.theta.size,
                "test_loss": None if kind == "no test set" else m.test_loss,
                "accuracy": None if kind in ("regression", "no test set") else m.test_accuracy,
                "r2": m.test_r2 if kind == "regression" else None}
    assert {key: tile[key] for key in expected} == expected
    assert from_query({k: v[-1] for k, v in parse_qs(tile["setup"]).items()}).config \
        == session.config


def test_params_counts_every_weight_and_bias():
    tile = make_tile(TrainingSession(Config(hidden=(8, 8))), "A")
    assert tile["params"] == (2 * 8 + 8) + (8 * 8 + 8) + (8 * 1 + 1) == 105


@pytest.mark.parametrize("kind", KINDS)
def test_the_picture_is_48_by_48_in_the_runs_colours(kind):
    session = trained(KINDS[kind])
    rgb = decoded(make_tile(session, "A"))
    colours = {tuple(c) for c in surface_lut(session, discrete=False)}
    assert {tuple(c) for c in rgb.reshape(-1, 3)} <= colours
    assert len({tuple(c) for c in rgb.reshape(-1, 3)}) > 10      # a surface, not one colour


def test_the_picture_is_the_surface_with_x2_up():
    """Every pixel, from the network's own probability at that point of the plane: the
    top row is the largest x2, the left column the smallest x1."""
    session = trained(KINDS["two classes"])
    lo, hi = session.bounds
    t = np.linspace(lo, hi, PICTURE)
    x1, x2 = np.meshgrid(t, t[::-1])                                  # rows top to bottom
    p = session.predict(np.stack([x1.ravel(), x2.ravel()], 1)).reshape(PICTURE, PICTURE)
    expected = LUT[np.clip(np.rint(p * 255), 0, 255).astype(np.uint8)]
    # float32 predictions of the same points made in another order can round to the
    # neighbouring byte on a boundary: allow one step of the colour table
    step = np.abs(np.diff(LUT.astype(int), axis=0)).max()
    assert np.abs(decoded(make_tile(session, "A")).astype(int) - expected).max() <= step


def test_the_loss_curve_is_thinned_evenly_to_at_most_100_points():
    session = trained(KINDS["two classes"], 1000)
    curve = make_tile(session, "A")["loss"]
    epochs = [e for e, _ in curve]
    assert len(curve) == LOSS_POINTS and epochs[0] == 0 and epochs[-1] == 999
    assert set(np.diff(epochs)) <= {10, 11}
    losses = dict(zip(session.history.column("epoch"), session.history.column("train_loss")))
    assert all(loss == pytest.approx(losses[e], rel=1e-3) for e, loss in curve)


def test_a_short_run_keeps_every_point_and_a_new_one_none():
    assert [e for e, _ in make_tile(trained(KINDS["two classes"], 30), "A")["loss"]] == \
        list(range(30))
    assert loss_curve(History()) == []


def test_a_lost_loss_is_none():
    history = History()
    history.add(0, 0.7, 0.5)
    history.add(1, float("nan"), 0.5)
    assert loss_curve(history) == [[0, 0.7], [1, None]]
