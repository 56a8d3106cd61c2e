"""Every setting of a run in one frozen dataclass, plus the presets and the checks.

The same `Config` feeds the command line, the app, URLs and exports, so its field
names are public: the CLI flags are these names with dashes, URL keys are these names.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from .activations import ACTIVATIONS
from .data.datasets import FORMULA, MULTICLASS, NAMES as DATASETS, REGRESSION
from .data.features import FEATURES, canonical_feature
from .data.formula import FormulaError, checked, parse
from .inits import INITS
from .losses import LOSSES
from .optimizers import OPTIMIZERS
from .outputs import MAX_CLASSES, MIN_CLASSES, OUTPUTS, PROBLEMS, output_kind, output_units
from .regularizations import REGULARIZATIONS
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
    activation: str = "tanh"        # hidden layers' activation (the output: see `problem`)
    loss: str = "bce"               # "mse" or "bce" (2 classes), "ce" (3+), "mse" (regression)
    optimizer: str = "sgd"          # "sgd", "momentum" or "adam"
    batch_size: int = 0             # 0 means full batch
    epochs: int = 100_000           # epochs to run before stopping by itself
    lr: float = 0.1                 # learning rate
    seed: int = 42                  # seeds the data, the initial weights and the shuffling
    regularization: str = "none"    # a name from REGULARIZATIONS (on weights, not biases)
    reg_rate: float = 0.001         # strength of the regularization
    init: str = "xavier"            # a name from INITS ("randn" is the tutorial's)
    features: tuple = ("x1", "x2")  # input features fed to the network
    delta_rule: bool = False        # the tutorial's update: summed over the batch, no 2/N
    precision: str = "float32"      # float64: network.py, the tutorial's exact order of operations
    problem: str = "classification"  # or "regression": one linear output unit
    classes: int = 2                # 2: one sigmoid output unit; 3 to 6: that many softmax units
    preset: str = ""                # name of the preset this came from, if any
    formula: str = ""               # the formula dataset's, over x1, x2: x2 > sin(3*x1) gives
    #                                 classes, sin(3*x1)*x2 targets; "" for other datasets

    def replace(self, **changes) -> "Config":
        return dataclasses.replace(self, **changes)

    @property
    def output(self) -> str:
        """The output layer this problem needs: "sigmoid", "softmax" or "linear"."""
        return output_kind(self.problem, self.classes)

    @property
    def layer_sizes(self) -> list[int]:
        """[inputs, hidden..., outputs]: the network's shape, which the weights must fit."""
        return [len(self.features), *self.hidden, output_units(self.problem, self.classes)]

    def to_dict(self) -> dict:
        """The fields as JSON values; `formula` only when set, so every other run's JSON
        keeps exactly the keys it had before formulas."""
        d = dataclasses.asdict(self)
        d["hidden"], d["features"] = list(self.hidden), list(self.features)
        if not self.formula:
            del d["formula"]
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


def problems(config: Config, own_data=False) -> list[str]:
    """Every reason this config cannot run, as short sentences (empty when valid). With
    the learner's own data (own_data), the dataset's name does not apply."""
    c, out = config, []
    if not own_data and c.dataset not in DATASETS:
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
    if not isinstance(c.batch_size, int) or not 0 <= c.batch_size <= MAX_SAMPLES:
        out.append(f"batch size must be 0 (full batch) or a whole number from 1 to "
                   f"{MAX_SAMPLES:,}, the most points a run can have")
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
    return out + problem_type_problems(c, own_data)


def problem_type_problems(c: Config, own_data=False) -> list[str]:
    """Whether the problem type, the classes, the dataset and the loss fit together."""
    if c.problem not in PROBLEMS:
        return [f"problem {c.problem!r} is unknown; choose from {', '.join(PROBLEMS)}"]
    if not isinstance(c.classes, int) or isinstance(c.classes, bool) or not (
            MIN_CLASSES <= c.classes <= MAX_CLASSES):
        return [f"classes must be a whole number from {MIN_CLASSES} to {MAX_CLASSES}"]
    out, output = [], OUTPUTS[c.output]
    if c.problem == "regression" and c.classes != 2:
        out.append("classes apply to classification only; leave them at 2 for regression")
    if not own_data:
        out += _dataset_problems(c)
    if c.loss in LOSSES and c.loss not in output.losses:
        out.append(f"the {c.loss} loss does not fit {_what(c)}; use {' or '.join(output.losses)}")
    if c.delta_rule and c.loss == "mse" and c.output != "sigmoid":     # (not mse: said above)
        out.append("the tutorial's delta rule is for two classes (a sigmoid output) with mse only")
    return out


def _dataset_problems(c: Config) -> list[str]:
    """Whether the named dataset fits the problem type and the number of classes."""
    if c.dataset not in DATASETS:
        return []
    if c.dataset == FORMULA or c.formula != "":
        return _formula_problems(c)
    if c.problem == "regression" and c.dataset not in REGRESSION:
        return [f"regression needs a regression dataset ({', '.join(REGRESSION)}) or a "
                f"{FORMULA}; {c.dataset} is a classification dataset"]
    if c.problem == "classification" and c.dataset in REGRESSION:
        return [f"{c.dataset} is a regression dataset: set the problem to regression"]
    if c.classes > 2 and c.dataset not in MULTICLASS:
        return [f"{c.dataset} has 2 classes; {' and '.join(MULTICLASS)} can have up to "
                f"{MAX_CLASSES}"]
    return []


def _formula_problems(c: Config) -> list[str]:
    """A formula must fit the problem type, and goes with the formula dataset only."""
    if not isinstance(c.formula, str):
        return ["the formula must be text, such as x2 > sin(3*x1)"]
    if c.classes > 2:
        return [f"a formula makes 2 classes; {' and '.join(MULTICLASS)} can have up to "
                f"{MAX_CLASSES}"]
    try:
        checked(c.formula, c.problem)
    except FormulaError as e:
        return [str(e).rstrip(".")]
    if c.dataset != FORMULA:
        return [f"a formula is for the {FORMULA} dataset only: set the dataset to {FORMULA}, "
                "or leave the formula out"]
    return []


def datasets_for(problem="classification", classes=2) -> tuple:
    """The dataset names a problem type can use (for a menu): regression's own, or the
    classification ones with that many classes; a formula makes either."""
    if problem == "regression":
        return (*REGRESSION, FORMULA)
    return tuple(n for n in DATASETS if n not in REGRESSION and (classes == 2 or n in MULTICLASS))


def losses_for(problem="classification", classes=2) -> tuple:
    """The loss names that fit a problem type's output layer, the default first."""
    return OUTPUTS[output_kind(problem, classes)].losses


def _what(c: Config) -> str:
    if c.problem == "regression":
        return "regression (one linear output)"
    return f"{c.classes} classes ({c.output} output)"


def validated(config: Config, own_data=False) -> Config:
    """The config with feature names made canonical; raises ValueError listing problems.
    With the learner's own data, the dataset's name does not apply."""
    found = problems(config, own_data)
    if found:
        raise ValueError("; ".join(found))
    return config.replace(features=tuple(canonical_feature(f) for f in config.features),
                          formula=parse(config.formula).text if config.formula else "")
