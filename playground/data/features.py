"""Input features computed from (x1, x2), as TensorFlow Playground offers them."""
import numpy as np

# name -> function of the two coordinates (each shape (n,))
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1_sq": lambda x1, x2: x1 * x1,
    "x2_sq": lambda x1, x2: x2 * x2,
    "x1_x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
}

LABELS = {"x1": "x₁", "x2": "x₂", "x1_sq": "x₁²", "x2_sq": "x₂²", "x1_x2": "x₁·x₂",
          "sin_x1": "sin(x₁)", "sin_x2": "sin(x₂)"}

# Other spellings people type; they all mean the canonical names above.
ALIASES = {"x1^2": "x1_sq", "x2^2": "x2_sq", "x1*x2": "x1_x2",
           "sin(x1)": "sin_x1", "sin(x2)": "sin_x2", "x1x2": "x1_x2"}


def canonical_feature(name):
    """The canonical feature name, or None when the name is unknown."""
    if not isinstance(name, str):
        return None
    name = ALIASES.get(name.strip(), name.strip())
    return name if name in FEATURES else None


def expand(X, names, dtype=None):
    """(n, 2) points -> (n, len(names)) network inputs, one column per feature."""
    x1, x2 = X[:, 0], X[:, 1]
    out = np.empty((len(X), len(names)), dtype=dtype or X.dtype)
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name](x1, x2)
    return out
