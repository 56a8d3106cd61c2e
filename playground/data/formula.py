"""Your own function as data: a formula over x1 and x2, checked, evaluated with NumPy.

A formula is someone else's text, so it is never run as Python. `ast.parse` only reads
it; `parse` then walks the result and keeps a small tree of its own, accepting nothing
but numbers, x1, x2, pi, + - * / **, unary - and +, comparisons (chained too), and/or/not
and the one-argument functions in FUNCTIONS. Text past MAX_CHARS or a tree past MAX_PARTS
is refused before any recursion, so no input can hang or overflow the stack; numbers are
float64 in NumPy, where 9**9**9 is simply inf. Every refusal is one `FormulaError`
sentence naming the offending part, quoted by `_quote` (a Markdown code span that can
hold nothing but formula characters), because the app shows it with st.error.

A yes/no formula (a comparison, and/or/not) labels points 0 and 1: a classification
dataset. Any other formula gives a real target: a regression dataset. Points lie on the
square [-1, 1]^2; where the formula is undefined (log(-1), 1/0, or beyond MAX_VALUE)
a point is drawn again.
"""
import ast
import functools
import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from ..number_text import number_text

MAX_CHARS = 120
MAX_PARTS = 40              # ast expression nodes: x2 > sin(3*x1) has 7
MAX_VALUE = 1000            # larger targets are "undefined": as userdata's MAX_COORD
SQUARE = 1.0                # points on [-SQUARE, SQUARE]^2, where x1**2 + x2**2 < 0.5 fits
MAX_ROUNDS = 20             # draws of n points to find n where the formula is defined
EXAMPLES = {"classification": "x2 > sin(3*x1)", "regression": "sin(3*x1)*x2"}

FUNCTIONS = {"sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log,
             "sqrt": np.sqrt, "abs": np.abs, "tanh": np.tanh}
NAMES = ("x1", "x2", "pi")
USE = f"use x1, x2, numbers, pi and {', '.join(FUNCTIONS)}"

# Operators by ast type: (text, precedence, NumPy function). Precedence as Python's, so
# `canonical` writes the fewest brackets that read back as the same tree.
OR, AND, NOT, COMPARE, SUM, PRODUCT, SIGN, POWER, ATOM = range(1, 10)
BINARY = {ast.Add: ("+", SUM, np.add), ast.Sub: ("-", SUM, np.subtract),
          ast.Mult: ("*", PRODUCT, np.multiply), ast.Div: ("/", PRODUCT, np.divide),
          ast.Pow: ("**", POWER, np.power)}
COMPARISONS = {ast.Lt: ("<", np.less), ast.LtE: ("<=", np.less_equal),
               ast.Gt: (">", np.greater), ast.GtE: (">=", np.greater_equal),
               ast.Eq: ("==", np.equal), ast.NotEq: ("!=", np.not_equal)}
UNARY = {ast.USub: ("-", SIGN, np.negative), ast.UAdd: ("+", SIGN, np.positive),
         ast.Not: ("not ", NOT, lambda v: 1 - _truth(v))}
BOOLEANS = {ast.And: ("and", AND, lambda vs: _all(vs)), ast.Or: ("or", OR, lambda vs: _any(vs))}
HINTS = {ast.BitXor: "write powers as ** (x1**2)", ast.Mod: "the operators are + - * / **",
         ast.FloorDiv: "divide with /", ast.BitAnd: "write and", ast.BitOr: "write or",
         ast.Invert: "write not", ast.Is: "compare with == or !=",
         ast.IsNot: "compare with == or !=", ast.In: "compare with < > <= >= == !=",
         ast.NotIn: "compare with < > <= >= == !=", ast.Attribute: "attribute access is not "
         "part of a formula", ast.Lambda: "a lambda is not part of a formula",
         ast.Subscript: "indexing is not part of a formula", ast.List: "group with ( ) only",
         ast.Tuple: "a formula is one expression", ast.IfExp: "write a comparison instead"}
WORD = re.compile(r"(?<![\w.])[A-Za-z_]\w*")     # names, not a number's e (1e5) or .attr
QUOTABLE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
               " _.,+-*/()[]<>=!%&|^~")


class FormulaError(ValueError):
    """A formula refused; the message is one sentence for the learner, safe as Markdown."""


@dataclass(frozen=True)
class Formula:
    tree: tuple         # ("num", x) ("name", n) ("call", f, arg) ("unary", op, a)
    #                     ("binary", op, a, b) ("compare", ops, operands) ("bool", op, values)
    text: str           # canonical: written back from the tree, never the learner's text
    yes_no: bool        # a comparison or and/or/not: classes 0/1, else a real target


def _clean(text, limit=40) -> str:
    """Formula characters only (no backtick, $ or :), cut to limit."""
    kept = " ".join("".join(ch for ch in str(text) if ch in QUOTABLE).split())
    return kept if len(kept) <= limit else kept[:limit - 1] + "…"


def _quote(text) -> str:
    """The text as a Markdown code span that can render as nothing but formula text."""
    kept = _clean(text)
    return f"`{kept}`" if kept else "(symbols only)"


def _refuse(part, why=USE):
    raise FormulaError(f"{_quote(part)} is not allowed: {why}.")


# -- reading the text --------------------------------------------------------------------
def _check_text(text):
    """Refusals that need no parsing: empty, too long, not plain ASCII, unknown names."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError(f"the formula is empty: write one over x1 and x2, such as "
                           f"{_quote(EXAMPLES['classification'])}.")
    if len(text) > MAX_CHARS:
        raise FormulaError(f"the formula has {len(text):,} characters; at most {MAX_CHARS} "
                           "are allowed.")
    for ch in text:
        if not " " <= ch <= "~":
            name = unicodedata.name(ch, "a control character")
            raise FormulaError(f"the character U+{ord(ch):04X} ({name}) is not allowed: "
                               f"write the formula in plain ASCII; {USE}.")
    for word in WORD.findall(text):
        if word not in NAMES and word not in FUNCTIONS and word not in ("and", "or", "not"):
            _refuse(word)


def _parts(text):
    """The expression tree from ast (read only, never run), its size checked first."""
    try:
        expression = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        why = _clean(getattr(e, "msg", "") or "it is not a formula")
        raise FormulaError(f"{_quote(text)} cannot be read as a formula ({why}): "
                           f"write one such as {_quote(EXAMPLES['classification'])}.") from None
    parts = sum(isinstance(node, ast.expr) for node in ast.walk(expression))   # no recursion
    if parts > MAX_PARTS:
        raise FormulaError(f"the formula has {parts} parts (numbers, names, operators); at "
                           f"most {MAX_PARTS} are allowed.")
    return expression.body


def _segment(text, node):
    return ast.get_source_segment(text, node) or type(node).__name__


def _constant(text, node):
    if type(node.value) not in (int, float) or not math.isfinite(node.value):
        _refuse(_segment(text, node), f"numbers must be real and finite; {USE}")
    return ("num", float(node.value))


def _operators(node):
    """The node's operator types (one, or a comparison's several)."""
    return [type(op) for op in (getattr(node, "op", None), *getattr(node, "ops", ())) if op]


# How each allowed ast node becomes ours: (whether its operators are allowed, reader).
READERS = {
    ast.Constant: (lambda n: True, _constant),
    ast.Name: (lambda n: True, lambda text, n: ("name", n.id)),   # _check_text: NAMES only
    ast.Call: (lambda n: True, lambda text, n: _call(text, n)),
    ast.UnaryOp: (lambda n: type(n.op) in UNARY,
                  lambda text, n: ("unary", type(n.op), _node(text, n.operand))),
    ast.BinOp: (lambda n: type(n.op) in BINARY,
                lambda text, n: ("binary", type(n.op), _node(text, n.left),
                                 _node(text, n.right))),
    ast.Compare: (lambda n: all(type(op) in COMPARISONS for op in n.ops),
                  lambda text, n: ("compare", tuple(map(type, n.ops)),
                                   tuple(_node(text, c) for c in (n.left, *n.comparators)))),
    ast.BoolOp: (lambda n: True,
                 lambda text, n: ("bool", type(n.op), tuple(_node(text, v) for v in n.values))),
}


def _node(text, node) -> tuple:
    """Our tree for one ast node, or FormulaError naming the node's text."""
    allowed, read = READERS.get(type(node), (lambda n: False, None))
    if allowed(node):
        return read(text, node)
    hint = next((HINTS[op] for op in _operators(node) + [type(node)] if op in HINTS), "")
    _refuse(_segment(text, node), f"{hint}; {USE}" if hint else USE)


def _call(text, node):
    if not isinstance(node.func, ast.Name):
        _node(text, node.func)                         # refuses x1.real(), (lambda: 0)()
        _refuse(_segment(text, node), f"the functions are {', '.join(FUNCTIONS)}")
    name = node.func.id
    if name not in FUNCTIONS:
        _refuse(name, f"it is not a function; the functions are {', '.join(FUNCTIONS)}")
    if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
        _refuse(_segment(text, node), f"{name} takes one number, as in {name}(x1)")
    return ("call", name, _node(text, node.args[0]))


def parse(text) -> Formula:
    """The checked formula; FormulaError with one sentence when it is refused."""
    _check_text(text)
    text = text.strip()                                 # "  x1" is not an indented block
    tree = _node(text, _parts(text))
    return Formula(tree, canonical(tree), tree[0] in ("compare", "bool") or (
        tree[0] == "unary" and tree[1] is ast.Not))


# -- writing it back ---------------------------------------------------------------------
def _binary_text(tree):
    sign, level, _ = BINARY[tree[1]]
    if level == POWER:             # (-2)**x1 and (2**3)**x1 need brackets; 2**-x1 does not
        return f"{_inner(tree[2], ATOM)}**{_inner(tree[3], SIGN)}", level
    sign = f" {sign} " if level == SUM else sign
    return _inner(tree[2], level) + sign + _inner(tree[3], level + 1), level


def _compare_text(tree):
    texts = [_inner(t, COMPARE + 1) for t in tree[2]]
    ops = [COMPARISONS[op][0] for op in tree[1]]
    return texts[0] + "".join(f" {op} {t}" for op, t in zip(ops, texts[1:])), COMPARE


def _bool_text(tree):
    word, level, _ = BOOLEANS[tree[1]]
    return f" {word} ".join(_inner(t, level + 1) for t in tree[2]), level


# Each kind of node as (text, precedence), brackets only where Python needs them.
WRITERS = {
    "num": lambda t: (number_text(t[1]), ATOM),
    "name": lambda t: (t[1], ATOM),
    "call": lambda t: (f"{t[1]}({_written(t[2])[0]})", ATOM),
    "unary": lambda t: (UNARY[t[1]][0] + _inner(t[2], UNARY[t[1]][1]), UNARY[t[1]][1]),
    "binary": _binary_text, "compare": _compare_text, "bool": _bool_text,
}


def _written(tree) -> tuple:
    return WRITERS[tree[0]](tree)


def _inner(tree, least):
    """A sub-tree's text, bracketed when it binds less tightly than `least`."""
    text, level = _written(tree)
    return text if level >= least else f"({text})"


def canonical(tree) -> str:
    """The formula written back from its checked tree: what exports and links carry."""
    return _written(tree)[0]


# -- evaluating it -----------------------------------------------------------------------
def _truth(v):
    """1 where v is non-zero, 0 where zero, NaN where v is undefined."""
    return np.where(np.isnan(v), np.nan, v != 0)


def _all(values):
    """1 where every one of the 0/1 values is 1, NaN where any is undefined."""
    out = values[0]
    for v in values[1:]:
        out = np.where(np.isnan(out) | np.isnan(v), np.nan, out * v)
    return out


def _any(values):
    return 1 - _all([1 - v for v in values])


def _compare_value(tree, X):
    sides = [np.asarray(_value(t, X), np.float64) for t in tree[2]]
    return _all([np.where(np.isnan(a) | np.isnan(b), np.nan, COMPARISONS[op][1](a, b))
                 for op, a, b in zip(tree[1], sides, sides[1:])])


# Each kind of node's value at the points X (n, 2): NaN or inf where undefined.
VALUES = {
    "num": lambda t, X: np.float64(t[1]),
    "name": lambda t, X: {"x1": X[:, 0], "x2": X[:, 1], "pi": np.float64(np.pi)}[t[1]],
    "call": lambda t, X: FUNCTIONS[t[1]](_value(t[2], X)),
    "unary": lambda t, X: UNARY[t[1]][2](np.asarray(_value(t[2], X), np.float64)),
    "binary": lambda t, X: BINARY[t[1]][2](_value(t[2], X), _value(t[3], X)),
    "compare": _compare_value,
    "bool": lambda t, X: BOOLEANS[t[1]][2]([_truth(np.asarray(_value(v, X), np.float64))
                                            for v in t[2]]),
}


def _value(tree, X):
    return VALUES[tree[0]](tree, X)


def evaluate(formula: Formula, X) -> np.ndarray:
    """(n,) float64 values at the points X (n, 2): 0/1 for a yes/no formula, NaN where
    the formula is undefined (an inf or anything beyond MAX_VALUE counts as undefined)."""
    X = np.asarray(X, np.float64).reshape(-1, 2)
    with np.errstate(all="ignore"):
        v = np.broadcast_to(np.asarray(_value(formula.tree, X), np.float64), len(X)).copy()
        v[~(np.abs(v) <= MAX_VALUE)] = np.nan
    return v


# -- checking it fits a problem, and drawing points --------------------------------------
def _grid(n=45):
    t = np.linspace(-SQUARE, SQUARE, n)
    return np.stack([a.ravel() for a in np.meshgrid(t, t)], axis=1)


CHECK_POINTS = _grid()      # (2025, 2): where a formula is tried before it is accepted


@functools.lru_cache(maxsize=256)
def checked(text, problem="classification") -> Formula:
    """The formula if it can make a dataset for this problem type: the right kind, defined
    at most points of the square, two classes or a varying target. Else FormulaError."""
    formula = parse(text)
    q = _quote(formula.text)
    if problem == "regression" and formula.yes_no:
        raise FormulaError(f"{q} is a yes/no formula, which makes classes: set the problem "
                           "to classification, or write a number such as "
                           f"{_quote(EXAMPLES['regression'])}.")
    if problem != "regression" and not formula.yes_no:
        raise FormulaError(f"{q} gives a number, not yes or no: compare it, as in "
                           f"{_quote(EXAMPLES['classification'])}, or set the problem to "
                           "regression.")
    v = evaluate(formula, CHECK_POINTS)
    defined = v[~np.isnan(v)]
    if len(defined) < len(v) / 2:
        raise FormulaError(f"{q} is undefined at {1 - len(defined) / len(v):.0%} of the "
                           f"points from -{SQUARE:g} to {SQUARE:g} (a log or sqrt of a "
                           "negative number, a division by 0, or a value beyond "
                           f"{MAX_VALUE:,}): it must be defined at most of them.")
    if formula.yes_no and np.ptp(defined) == 0:
        raise FormulaError(f"{q} is {'true' if defined[0] else 'false'} at every point from "
                           f"-{SQUARE:g} to {SQUARE:g}, so all points would be class "
                           f"{int(defined[0])}: a classifier needs both classes.")
    if np.ptp(defined) == 0:
        raise FormulaError(f"{q} is {defined[0]:g} at every point: regression needs "
                           "targets that vary.")
    return formula


def points(text, n, noise, rng):
    """n points uniform on the square where the formula is defined, and their labels
    (yes/no: 0 or 1, then Gaussian jitter of std `noise` on the point, as the other
    classification datasets) or targets (read at the point moved by up to `noise` times
    the square's size, as TensorFlow Playground's regression datasets)."""
    formula = parse(text)
    Xs, ys, found = [], [], 0
    for _ in range(MAX_ROUNDS):
        X = rng.uniform(-SQUARE, SQUARE, (n, 2))
        if formula.yes_no:
            y, X = evaluate(formula, X), X + rng.normal(0, noise, (n, 2))
        else:
            y = evaluate(formula, X + rng.uniform(-SQUARE, SQUARE, (n, 2)) * noise)
        keep = ~np.isnan(y)
        Xs.append(X[keep])
        ys.append(y[keep])
        found += int(keep.sum())
        if found >= n:
            return np.concatenate(Xs)[:n], np.concatenate(ys)[:n]
    raise FormulaError(f"{_quote(formula.text)} is defined at too few points to draw {n:,}.")
