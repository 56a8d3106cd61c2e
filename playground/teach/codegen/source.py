"""Python source text that both generators (assemble.py and teach/torch_script.py) write:
comments, indented blocks, and numbers that read back to exactly the run's."""
import textwrap

import numpy as np


def comment(text):
    return "".join("# " + line + "\n" for line in textwrap.wrap(text, 86)) if text else "#\n"


def code_block(text, indent=0):
    return textwrap.indent(textwrap.dedent(text).strip("\n"), " " * indent) + "\n"


def join_definitions(parts):
    """Top-level definitions, two blank lines apart."""
    return "\n\n".join(p.rstrip("\n") + "\n" for p in parts if p)


def number_code(x, dtype=np.float64):
    """x as Python source that reads back to exactly x in dtype: float32's short form when
    it does (it nearly always does), else every digit of the float64."""
    x = np.dtype(dtype).type(x)
    short = str(x)
    return short if np.dtype(dtype).type(float(short)) == x else repr(float(x))


def matrix_code(M, indent, dtype=np.float64):
    pad = " " * indent
    rows = [pad + "    [" + ", ".join(number_code(x, dtype) for x in row) + "],"
            for row in np.atleast_2d(M)]
    return "[\n" + "\n".join(rows) + "\n" + pad + "]"


def labels_code(y, regression=False):
    """Class labels as whole numbers, or regression targets with every digit."""
    text = ", ".join(repr(float(v)) if regression else str(int(v)) for v in y)
    return "[" + "\n    ".join(textwrap.wrap(text, 80)) + "]"
