"""Weight initializations, one entry per name: the scale of a layer's first weights, and
what the menus, the exported scripts and the math view say of it.

All of them draw the same standard normal numbers (network.initialize); they differ only
in the factor each layer's draws are multiplied by, a function of its fan_in and fan_out.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Init:
    label: str              # its name in menus
    words: str              # its name in a sentence: "<words> initialization"
    scale: Callable         # scale(fan_in, fan_out): the factor on a layer's N(0, 1) draws
    code: str               # the factor as code after np.random.randn(i, o) ("": none)


INITS = {
    "randn": Init("randn (the tutorial's)", "the tutorial's np.random.randn",
                  lambda fan_in, fan_out: 1.0, ""),
    "xavier": Init("Xavier / Glorot", "Xavier (Glorot normal)",
                   lambda fan_in, fan_out: np.sqrt(2.0 / (fan_in + fan_out)),
                   " * np.sqrt(2 / ({i} + {o}))"),
    "he": Init("He", "He", lambda fan_in, fan_out: np.sqrt(2.0 / fan_in),
               " * np.sqrt(2 / {i})"),
}
