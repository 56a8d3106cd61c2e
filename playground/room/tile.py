"""A student's tile on the room's wall: a small picture of the run and its numbers, as
plain JSON, published about once a second and on pause. Small on purpose (3 to 5 kB):
200 of them reach the wall every second."""
import base64
import math

import numpy as np

from ..pictures.pixels import surface_tile
from ..pictures.png import png_bytes, unit_picture
from ..teach.links import query_string

PICTURE = 48          # the tile's surface, PICTURE x PICTURE pixels
LOSS_POINTS = 100     # the loss curve Spotlight draws, thinned to at most this many points
LOSS_DIGITS = 4       # significant digits of its losses: a curve 200 px tall needs fewer


def _number(x, digits=None):
    """A float for JSON, to `digits` significant digits if given: NaN (no test set, no
    accuracy for regression) -> None."""
    if x is None or math.isnan(x):
        return None
    return float(f"{x:.{digits}g}") if digits else float(x)


def picture(session, n=PICTURE) -> str:
    """The decision surface as a base64 PNG, n x n, in the live view's colours."""
    u8, lut = surface_tile(session, n)
    return base64.b64encode(png_bytes(unit_picture(u8, lut))).decode("ascii")


def loss_curve(history, most=LOSS_POINTS) -> list:
    """[[epoch, train_loss], ...]: the recorded rows thinned evenly to at most `most`,
    the first and the last always kept, losses to LOSS_DIGITS significant digits."""
    n = history.n
    rows = np.unique(np.linspace(0, n - 1, min(n, most)).round().astype(int)) if n else []
    epochs, losses = history.column("epoch"), history.column("train_loss")
    return [[int(epochs[i]), _number(losses[i], LOSS_DIGITS)] for i in rows]


def make_tile(session, nickname) -> dict:
    """The run as the wall shows it (the caller adds "playing")."""
    m = session.evaluate()
    return {"nickname": nickname, "epoch": session.epoch, "test_loss": _number(m.test_loss),
            "accuracy": _number(m.test_accuracy), "r2": _number(m.test_r2),
            "setup": query_string(session.config), "picture": picture(session),
            "loss": loss_curve(session.history), "params": int(session.theta.size)}
