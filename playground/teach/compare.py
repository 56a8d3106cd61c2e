"""Pinned runs, for comparing: a small, frozen record of a run, cheap to keep several of."""
from dataclasses import dataclass, field

import numpy as np

from ..config import Config
from ..pictures.pixels import surface_u8
from .replay import thin_curve

MAX_PINS = 6
PIN_GRID = 80


@dataclass(frozen=True)
class PinnedRun:
    name: str
    config: Config
    epoch: int
    curve: tuple               # (epochs, train loss, test loss or None), thinned
    surface: np.ndarray        # uint8, (PIN_GRID, PIN_GRID) or (2, ...) for 3+ classes
    bounds: tuple
    data: object               # the Dataset it trained on
    metrics: object            # Metrics at `epoch`
    initial_params: list = field(repr=False)


def pin(session, name):
    """Freeze what a comparison shows of this session's run."""
    return PinnedRun(name=name, config=session.config, epoch=session.epoch,
                     curve=thin_curve(session.history), surface=surface_u8(session, PIN_GRID),
                     bounds=session.bounds, data=session.data, metrics=session.evaluate(),
                     initial_params=[p.copy() for p in session.initial_params])


def add_pin(pins, run):
    """The pins with `run` added, the oldest dropped past MAX_PINS."""
    return (list(pins) + [run])[-MAX_PINS:]


def differing_settings(configs):
    """The Config fields whose values differ among the runs (what was varied)."""
    names = [f for f in Config.__dataclass_fields__ if f != "preset"]
    return [f for f in names if len({repr(getattr(c, f)) for c in configs}) > 1]


def _fmt(value):
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _percent(x):
    return None if np.isnan(x) else round(100 * x, 1)


def _rounded(x):
    return None if np.isnan(x) else round(x, 4)


def table(runs):
    """One row per run: its name, the settings that differ, and its final numbers
    (accuracy for classification, R² for regression; columns for each kind present)."""
    varied = differing_settings([r.config for r in runs]) if len(runs) > 1 else []
    regression = any(r.config.problem == "regression" for r in runs)
    rows = []
    for r in runs:
        m = r.metrics
        row = {"run": r.name}
        row.update({f.replace("_", " "): _fmt(getattr(r.config, f)) for f in varied})
        row.update({"epochs": r.epoch, "train loss": round(m.train_loss, 5),
                    "test loss": None if np.isnan(m.test_loss) else round(m.test_loss, 5),
                    "train acc %": _percent(m.train_accuracy),
                    "test acc %": _percent(m.test_accuracy)})
        if regression:
            row.update({"train R²": _rounded(m.train_r2), "test R²": _rounded(m.test_r2)})
        rows.append(row)
    return rows

