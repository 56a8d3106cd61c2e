"""A student's tile on the room's wall: a small picture of the run and its numbers, as
plain JSON, published about once a second and on pause. Small on purpose (3 to 5 kB):
200 of them reach the wall every second."""
import base64
import math

import numpy as np

from ..pictures.pixels import surface_lut, surface_tile
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


def picture(session, n=PICTURE, surface=None) -> str:
    """The decision surface as a base64 PNG, n x n, in the live view's colours; from
    `surface` when given (a (N, N) surface_picture the live view made, N >= n: every
    (N/n)-th pixel of it), else drawn afresh."""
    if surface is None:
        u8, lut = surface_tile(session, n)
    else:
        rows = np.linspace(0, len(surface) - 1, n).round().astype(int)
        u8, lut = surface[np.ix_(rows, rows)], surface_lut(session, False)
    return base64.b64encode(png_bytes(unit_picture(u8, lut))).decode("ascii")


def loss_curve(history, most=LOSS_POINTS, upto=None) -> list:
    """[[epoch, train_loss], ...]: the recorded rows (up to epoch `upto`, if given) thinned
    evenly to at most `most`, the first and the last always kept, losses to LOSS_DIGITS
    significant digits."""
    epochs, losses = history.column("epoch"), history.column("train_loss")
    n = history.n if upto is None else int(np.searchsorted(epochs, upto, side="right"))
    rows = np.unique(np.linspace(0, n - 1, min(n, most)).round().astype(int)) if n else []
    return [[int(e), _number(loss, LOSS_DIGITS)]          # Python floats: half the time
            for e, loss in zip(epochs[rows].tolist(), losses[rows].tolist())]


def make_tile(session, nickname) -> dict:
    """The run as the wall shows it (the caller adds "playing"). It evaluates the run on
    the run's own arrays: call it between advances, never beside one (about 1 ms)."""
    m = session.evaluate()
    return shown_tile(session, nickname, session.epoch, None, m.test_loss, m.test_accuracy,
                      m.test_r2)


def shown_tile(session, nickname, epoch, surface, test_loss, accuracy, r2) -> dict:
    """The tile of the run at `epoch` (at most the session's), as the student's screen
    showed it: its surface (see `picture`; None: the session's now) and test numbers
    (None or NaN where there are none). The live view's page plays a tick's frames after
    the session trained them, so the tile of the frame on screen, not the session's
    latest state, is what the wall should show at that moment."""
    return {"nickname": nickname, "epoch": int(epoch), "test_loss": _number(test_loss),
            "accuracy": _number(accuracy), "r2": _number(r2),
            "setup": query_string(session.config),
            "picture": picture(session, surface=surface),
            "loss": loss_curve(session.history, upto=epoch), "params": int(session.theta.size)}
