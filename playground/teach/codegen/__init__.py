"""`script`: a standalone NumPy program in the tutorial's style that reproduces a run.

plan.py describes the run (shared with torch_script.py) and so what the program must handle,
templates.py writes its functions (shared with `mathview.tutorial_code`), source.py writes
numbers and comments (shared with torch_script.py), assemble.py puts the program together.

Its arithmetic follows the core's, operation for operation, so its numbers are the run's
bit for bit: a 1-ulp difference in one weight is enough to move a chaotic run (ReLU with
momentum, Adam at a high rate) by 1e-3 after a few hundred epochs. Float64 runs train with
playground/network.py, the tutorial's own arithmetic, which the program writes as the
tutorial does: z = a @ W + b. Float32 runs train with fast.py, and then the program writes
two things a textbook would not, both explained in it: the bias folded into the product,
z = [a, 1] @ [W; b], and every product in fast.py's memory layout (`dot`), because BLAS
rounds its sums differently for column-major and row-major arrays.
"""
from .assemble import script, settings_code
from .plan import Plan, describe
from .source import comment
from .templates import features_code, functions_code

__all__ = ["Plan", "comment", "describe", "features_code", "functions_code", "script",
           "settings_code"]
