"""Downloads of the current run: the weights (JSON), the history and the data (CSV), and
`script` (from codegen/), a standalone NumPy program that reproduces the run."""
import csv
import io
import json
import math

from .codegen import script  # noqa: F401  (the download of the run as a program)
from ..history import COLUMNS
from ..fast import W_and_b

SCHEMA_VERSION = 1


# -- weights, history, data ---------------------------------------------------------------
def layer_names(n_layers):
    """["hidden 1", ..., "hidden k", "output"] for n_layers weight layers."""
    return [f"hidden {l}" for l in range(1, n_layers)] + ["output"]


def weights_json(session) -> str:
    """The current weights as JSON: per layer its name, activation, W (fan_in rows of
    fan_out numbers) and b (fan_out numbers), every float unrounded."""
    c, pairs = session.config, W_and_b(session.params)
    layers = [{"name": name, "activation": c.output if name == "output" else c.activation,
               "W": W.astype(float).tolist(), "b": b.astype(float).ravel().tolist()}
              for name, (W, b) in zip(layer_names(len(pairs)), pairs)]
    return json.dumps({"schema_version": SCHEMA_VERSION, "epoch": session.epoch,
                       "config": c.to_dict(), "layers": layers})


def _cell(x):
    """A CSV cell: every digit of a float, empty for NaN."""
    return "" if math.isnan(x) else repr(float(x))


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def history_csv(session) -> str:
    """One row per recorded epoch; empty test cells when there is no test set."""
    h = session.history
    return _csv(COLUMNS, ([int(r[0])] + [_cell(x) for x in r[1:]] for r in h.rows[: h.n]))


def _label(y):
    """A class label as a whole number (0 to 5), a regression target with every digit."""
    return int(y) if float(y).is_integer() else repr(float(y))


def dataset_csv(data) -> str:
    """Every point: x1, x2, its label (a class 0 to K - 1, or a regression target) and its
    split (train or test)."""
    parts = ((data.X_train, data.y_train, "train"), (data.X_test, data.y_test, "test"))
    return _csv(["x1", "x2", "label", "split"],
                ([_cell(x1), _cell(x2), _label(label), split]
                 for X, y, split in parts for (x1, x2), label in zip(X, y)))
