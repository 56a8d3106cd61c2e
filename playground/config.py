"""Every setting of a run in one frozen dataclass, plus the presets and the checks.

The same `Config` feeds the command line, the app, URLs and exports, so its field
names are public: the CLI flags are these names with dashes, URL keys are these names.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from .activations import ACTIVATIONS
from .data.datasets import DATASETS
from .data.features import FEATURES, canonical_feature
from .losses import LOSSES
from .optimizers import OPTIMIZERS

INITS = ("randn", "xavier", "he")
REGULARIZATIONS = ("none", "l1", "l2")
PRECISIONS = ("float32", "float64")
MAX_LAYERS, MAX_UNITS = 6, 32
MAX_SAMPLES = 5000
MAX_EPOCHS = 10_000_000


@dataclass(frozen=True)
class Config:
    dataset: str = "moons"          # a name from DATASETS
    samples: int = 500              # all points, train and test together (xor: always 4)
    noise: float = 0.1              # standard deviation of the jitter added to each point
    test_fraction: float = 0.5      # share of points held out for testing, 0 to 0.9
    hidden: tuple = (8, 8)          # units per hidden layer, input to output
    activation: str = "tanh"        # hidden layers' activation; the output is always sigmoid
    loss: str = "bce"               # "mse" or "bce"
    optimizer: str = "sgd"          # "sgd", "momentum" or "adam"
    batch_size: int = 0             # 0 means full batch
    epochs: int = 100_000           # epochs to run before stopping by itself
    lr: float = 0.1                 # learning rate
    seed: int = 42                  # seeds the data, the initial weights and the shuffling
    regularization: str = "none"    # "none", "l1" or "l2" (on weights, not biases)
    reg_rate: float = 0.001         # strength of the regularization
    init: str = "xavier"            # "randn" (the tutorial's), "xavier" or "he"
    features: tuple = ("x1", "x2")  # input features fed to the network
    delta_rule: bool = False        # the tutorial's update: summed over the batch, no 2/N
    precision: str = "float32"      # float64: network.py, the tutorial's exact order of operations
    preset: str = ""                # name of the preset this came from, if any

    def replace(self, **changes) -> "Config":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["hidden"], d["features"] = list(self.hidden), list(self.features)
        return d


FIELDS = {f.name: f for f in dataclasses.fields(Config)}

PRESETS = {
    "tutorial": dict(
        dataset="xor", samples=4, noise=0.0, test_fraction=0.0, hidden=(2,),
        activation="sigmoid", loss="mse", optimizer="sgd", batch_size=0,
        epochs=10_000, lr=0.1, seed=42, regularization="none", reg_rate=0.0,
        init="randn", features=("x1", "x2"), delta_rule=True, precision="float64",
    ),
    "default": {},
}


def from_preset(name: str, **overrides) -> Config:
    """A preset's settings, then the overrides on top (as the CLI flags do)."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose from {', '.join(PRESETS)}")
    base = dict(PRESETS[name], preset=name if name != "default" else "")
    base.update(overrides)
    return Config(**base)


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def problems(config: Config) -> list[str]:
    """Every reason this config cannot run, as short sentences (empty when valid)."""
    c, out = config, []
    if c.dataset not in DATASETS:
        out.append(f"dataset {c.dataset!r} is unknown; choose from {', '.join(DATASETS)}")
    if not isinstance(c.samples, int) or not 4 <= c.samples <= MAX_SAMPLES:
        out.append(f"samples must be a whole number from 4 to {MAX_SAMPLES}")
    if not _finite(c.noise) or not 0 <= c.noise <= 2:
        out.append("noise must be a number from 0 to 2")
    if not _finite(c.test_fraction) or not 0 <= c.test_fraction <= 0.9:
        out.append("test fraction must be from 0 to 0.9")
    if (not isinstance(c.hidden, tuple) or not 1 <= len(c.hidden) <= MAX_LAYERS
            or not all(isinstance(h, int) and 1 <= h <= MAX_UNITS for h in c.hidden)):
        out.append(f"hidden must be 1 to {MAX_LAYERS} layers of 1 to {MAX_UNITS} units")
    for name, table in (("activation", ACTIVATIONS), ("loss", LOSSES), ("optimizer", OPTIMIZERS),
                        ("regularization", REGULARIZATIONS), ("init", INITS),
                        ("precision", PRECISIONS)):
        if getattr(c, name) not in table:
            out.append(f"{name} {getattr(c, name)!r} is unknown; choose from {', '.join(table)}")
    if not isinstance(c.batch_size, int) or c.batch_size < 0:
        out.append("batch size must be 0 (full batch) or a positive whole number")
    if not isinstance(c.epochs, int) or not 0 <= c.epochs <= MAX_EPOCHS:
        out.append(f"epochs must be a whole number from 0 to {MAX_EPOCHS:,}")
    if not _finite(c.lr) or not 0 < c.lr <= 100:
        out.append("learning rate must be a number above 0 and at most 100")
    if not isinstance(c.seed, int) or not 0 <= c.seed < 2**32:
        out.append("seed must be a whole number from 0 to 4294967295")
    if not _finite(c.reg_rate) or not 0 <= c.reg_rate <= 10:
        out.append("regularization rate must be a number from 0 to 10")
    feats = [canonical_feature(f) for f in c.features] if isinstance(c.features, tuple) else [None]
    if not feats or None in feats or len(set(feats)) != len(feats):
        out.append(f"features must be distinct names from {', '.join(FEATURES)}")
    if c.delta_rule and c.loss != "mse":
        out.append("the tutorial's delta rule goes with the mse loss only")
    return out


def validated(config: Config) -> Config:
    """The config with feature names made canonical; raises ValueError listing problems."""
    found = problems(config)
    if found:
        raise ValueError("; ".join(found))
    return config.replace(features=tuple(canonical_feature(f) for f in config.features))
