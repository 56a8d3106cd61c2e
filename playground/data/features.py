"""Input features computed from (x1, x2), as TensorFlow Playground offers them, one entry
per name: the function, and what the menus, the math view and the exported scripts show."""
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Feature:
    f: Callable     # f(x1, x2): the feature of the two coordinates (each shape (n,))
    label: str      # its name in menus
    tex: str        # LaTeX
    code: str       # the same in x1, x2 as code; {lib} is np (NumPy) or torch (PyTorch)


FEATURES = {
    "x1": Feature(lambda x1, x2: x1, "x₁", "x_1", "x1"),
    "x2": Feature(lambda x1, x2: x2, "x₂", "x_2", "x2"),
    "x1_sq": Feature(lambda x1, x2: x1 * x1, "x₁²", "x_1^{2}", "x1 * x1"),
    "x2_sq": Feature(lambda x1, x2: x2 * x2, "x₂²", "x_2^{2}", "x2 * x2"),
    "x1_x2": Feature(lambda x1, x2: x1 * x2, "x₁·x₂", "x_1 x_2", "x1 * x2"),
    "sin_x1": Feature(lambda x1, x2: np.sin(x1), "sin(x₁)", r"\sin x_1", "{lib}.sin(x1)"),
    "sin_x2": Feature(lambda x1, x2: np.sin(x2), "sin(x₂)", r"\sin x_2", "{lib}.sin(x2)"),
}

LABELS = {name: feature.label for name, feature in FEATURES.items()}   # for menus

# Other spellings people type; they all mean the canonical names above.
ALIASES = {"x1^2": "x1_sq", "x2^2": "x2_sq", "x1*x2": "x1_x2",
           "sin(x1)": "sin_x1", "sin(x2)": "sin_x2", "x1x2": "x1_x2"}


def canonical_feature(name):
    """The canonical feature name, or None when the name is unknown."""
    if not isinstance(name, str):
        return None
    name = ALIASES.get(name.strip(), name.strip())
    return name if name in FEATURES else None


def feature_expressions(names, lib="np"):
    """The features as code: a list of expressions in x1, x2 for NumPy or torch."""
    return ", ".join(FEATURES[name].code.format(lib=lib) for name in names)


def expand(X, names, dtype=None):
    """(n, 2) points -> (n, len(names)) network inputs, one column per feature."""
    x1, x2 = X[:, 0], X[:, 1]
    out = np.empty((len(X), len(names)), dtype=dtype or X.dtype)
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name].f(x1, x2)
    return out
