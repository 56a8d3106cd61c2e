"""Regularizations, one entry per name: the penalty on the weights (never the biases) and
its gradient, and what the menus, the math view and the exported script show of it.

The loss gains rate * penalty(W) summed over every layer's W, so each dW gains
rate * gradient(W). "none" has neither.
"""
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np


@dataclass(frozen=True)
class Regularization:
    label: str                      # its name in menus and sentences
    penalty: Optional[Callable]     # penalty(W): the array whose sum, times the rate, is added
    gradient: Optional[Callable]    # gradient(W): d penalty / dW, times the rate, added to dW
    tex: str                        # LaTeX of the term added to the loss (lambda: the rate)
    tex_gradient: str               # LaTeX of the term added to dW
    code: str                       # the exported script's add_<name>_penalty


REGULARIZATIONS = {
    "none": Regularization("None", None, None, "", "", ""),
    "l1": Regularization(
        "L1", np.abs, np.sign,
        r"\lambda \sum_{l} \sum_{j,k} \left|W^{(l)}_{jk}\right|", r"\lambda \operatorname{sign}(W)",
        '''
        def add_l1_penalty(network, gradients, reg_rate):
            # L1 regularization adds reg_rate * sum(|W|) to the loss, so reg_rate * sign(W)
            # to each weight's gradient. Biases are not penalized.
            for name in network:
                if name.startswith('W'):
                    gradients['d' + name] += reg_rate * np.sign(network[name])
            return gradients
        '''),
    "l2": Regularization(
        "L2", lambda W: 0.5 * W * W, lambda W: W,
        r"\frac{\lambda}{2} \sum_{l} \sum_{j,k} \left(W^{(l)}_{jk}\right)^{2}", r"\lambda W",
        '''
        def add_l2_penalty(network, gradients, reg_rate):
            # L2 regularization adds reg_rate * sum(W^2) / 2 to the loss, so reg_rate * W to
            # each weight's gradient. Biases are not penalized.
            for name in network:
                if name.startswith('W'):
                    gradients['d' + name] += reg_rate * network[name]
            return gradients
        '''),
}
