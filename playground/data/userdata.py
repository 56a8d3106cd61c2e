"""The learner's own points: read from a CSV file, or clicked onto the plane.

A points file has the columns x1, x2, label, with or without that header: the label is a
class, 0 or 1 (or 0 to K - 1 with K classes, up to 6), or for regression a real target
(its header may then say target instead of label). The problem type and the number of
classes are told to each function (`problem`, `classes`), as the config has them.
Errors are `PointsError`s whose message names the first bad row, as the file's line
number: the header, when there is one, is row 1, and blank lines count (so the number
is the line a text editor or spreadsheet shows). Values are echoed through `safe_quote`
because the app shows these messages with st.error, which renders Markdown.
"""
import csv
import io
import math
from dataclasses import dataclass

import numpy as np

from .datasets import Dataset, split
from ..number_text import read_number
from ..text import safe_quote

HEADER = ("x1", "x2", "label")
MAX_POINTS = 2000       # more make each epoch slow, and the app draws every point
MIN_POINTS = 4          # the tutorial's XOR has 4; split keeps 2 for training
MAX_COORD = 1000        # bigger coordinates saturate tanh and sigmoid units at once
MAX_FILE_MB = 1         # 2,000 points take about 0.1 MB; the rows past them are only counted
ECHO_CHARS = 30


class PointsError(ValueError):
    """A points file or point list the app cannot use; the message says why, for a learner."""


@dataclass(frozen=True)
class Parsed:
    X: np.ndarray      # (n, 2) float64
    y: np.ndarray      # (n,) float64: classes 0..K-1, or regression targets
    notes: tuple       # things the learner should know, e.g. rows left out


NOT_TEXT = "the file is not a text file: save your points as CSV (UTF-8)"
NOT_UTF8 = "the file is not UTF-8 text: save your points as CSV (UTF-8)"


def _check_size(content):
    """Refuse a file over MAX_FILE_MB (2**20 bytes a MB, as Streamlit counts), its size
    rounded up to a tenth, so that a file just over the cap never reads "1.0 MB"."""
    size = len(content if isinstance(content, bytes) else content.encode("utf-8", "replace"))
    if size > MAX_FILE_MB * 2**20:
        raise PointsError(f"the file is {math.ceil(size * 10 / 2**20) / 10:.1f} MB, and a "
                          f"points file can be at most {MAX_FILE_MB} MB ({MAX_POINTS:,} points "
                          "take about 0.1 MB)")


def _text(content) -> str:
    """The file as text; refuses files over MAX_FILE_MB, binary files and encodings other
    than UTF-8."""
    _check_size(content)
    if isinstance(content, bytes):
        if b"\x00" in content:
            raise PointsError(NOT_TEXT)
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            raise PointsError(NOT_UTF8) from None
    if "\x00" in content:
        raise PointsError(NOT_TEXT)
    content = content.removeprefix("\ufeff")            # the mark Excel puts before UTF-8
    if not content.strip():
        raise PointsError("the file is empty: it needs rows of x1,x2,label")
    return content


def _number_like(cell) -> bool:
    """Whether Python reads the cell as a number: leniently, so that a row of 1_0 or ８ is
    taken for numbers (and refused with the reason), not for a header with odd names."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _is_header(row) -> bool:
    """A first row is a header when none of its cells is a number."""
    return not any(_number_like(cell) for cell in row)


def _check_header(row, line, problem="classification"):
    cells = [cell.strip().lower() for cell in row]
    if cells == list(HEADER) or (problem == "regression" and cells == ["x1", "x2", "target"]):
        return
    names = "x1,x2,label (or x1,x2,target)" if problem == "regression" else "x1,x2,label"
    raise PointsError(f"row {line}: the header must be {names} (or leave it out and "
                      f"start with numbers); found {safe_quote(','.join(row), ECHO_CHARS)}")


SEPARATORS = {";": "semicolons (;)", "\t": "tabs", "|": "bars (|)"}


def _check_separator(row, line):
    """A file saved with another separator reads as one odd column: name the separator."""
    for sep, name in SEPARATORS.items():
        if any(sep in cell for cell in row):
            raise PointsError(f"row {line}: the columns are separated by {name}, but this app "
                              "reads commas: save the file as CSV with commas, x1,x2,label")


def coordinate(name, cell) -> float:
    """One coordinate, from a file's cell or a click on the plane: a finite number from
    -MAX_COORD to MAX_COORD, read as a link's numbers are, else PointsError saying why."""
    try:
        value = read_number(cell)
    except ValueError as e:
        raise PointsError(f"{name} {safe_quote(cell, ECHO_CHARS)} is not {e}") from None
    if not math.isfinite(value):
        raise PointsError(f"{name} {safe_quote(cell, ECHO_CHARS)} is not a finite number")
    if abs(value) > MAX_COORD:
        raise PointsError(f"{name} {safe_quote(cell, ECHO_CHARS)} is outside "
                          f"-{MAX_COORD} to {MAX_COORD}; scale your points down")
    return value


def label(cell, problem="classification", classes=2) -> float:
    """One label, from a file's cell or a click: a class 0..classes-1, or for regression a
    finite target from -MAX_COORD to MAX_COORD; else PointsError saying why."""
    if problem == "regression":
        return coordinate("target", cell)
    try:
        value = read_number(cell)
    except ValueError:
        value = None
    if value not in range(classes):
        allowed = "0 or 1" if classes == 2 else f"a whole number from 0 to {classes - 1}"
        raise PointsError(f"label {safe_quote(cell, ECHO_CHARS)} must be {allowed}"
                          + f" for {classes} classes" * (classes > 2))
    return float(value)


def _point(row, line, problem="classification", classes=2):
    """(x1, x2, label) from one row, or PointsError naming the row and the column."""
    if len(row) != 3:
        raise PointsError(f"row {line}: expected 3 columns (x1, x2, label), found {len(row)}")
    try:
        return (coordinate("x1", row[0]), coordinate("x2", row[1]),
                label(row[2], problem, classes))
    except PointsError as e:
        raise PointsError(f"row {line}: {e}") from None


def check_points(X, y, problem="classification"):
    """Refuse point sets a network cannot train on: too few points, one class only, or
    (regression) targets all the same."""
    if len(y) < MIN_POINTS:
        raise PointsError(f"only {len(y)} point{'s' * (len(y) != 1)}: "
                          f"at least {MIN_POINTS} are needed")
    values = np.unique(y)
    if len(values) == 1 and problem == "regression":
        raise PointsError(f"every target is {values[0]:g}: regression needs targets that vary")
    if len(values) == 1:
        raise PointsError(f"all points are class {int(values[0])}: "
                          "a classifier needs both classes")


def _rows(text):
    """(line number, cells) for each non-blank row of the CSV text."""
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise PointsError(f"row {reader.line_num}: cannot read it as CSV ({e})") from None
        if len(row) > 1 or (row and row[0].strip()):
            yield reader.line_num, row


def parse_points_csv(content, max_rows=MAX_POINTS, problem="classification",
                     classes=2) -> Parsed:
    """Points from CSV text or bytes (columns x1, x2, label; header optional), labels
    checked for the problem: classes 0..classes-1, or real targets for regression.

    Rows past `max_rows` are counted but not read; a note says so. Raises PointsError
    for the first problem found, naming its row (the file's line number, header = 1).
    """
    points, total = [], 0
    for i, (line, row) in enumerate(_rows(_text(content))):
        if i == 0:
            _check_separator(row, line)
        if i == 0 and _is_header(row):
            _check_header(row, line, problem)
            continue
        total += 1
        if total <= max_rows:
            points.append(_point(row, line, problem, classes))
    data = np.array(points, dtype=np.float64).reshape(-1, 3)
    X, y = np.ascontiguousarray(data[:, :2]), data[:, 2].copy()
    check_points(X, y, problem)
    notes = ()
    if total > max_rows:
        notes = (f"Only the first {max_rows:,} rows were used; the file has {total:,}.",)
    return Parsed(X, y, notes)


def points_csv(X, y, problem="classification") -> str:
    """The points as CSV with the header x1,x2,label; numbers are written so they read
    back exactly (repr is the shortest text that round-trips a float)."""
    text = (lambda v: repr(float(v))) if problem == "regression" else (lambda v: str(int(v)))
    lines = ["x1,x2,label"]
    lines += [f"{float(a)!r},{float(b)!r},{text(v)}" for (a, b), v in zip(X, y)]
    return "\n".join(lines) + "\n"


def add_point(X, y, x1, x2, value, problem="classification", classes=2):
    """(X, y) with one more point, as new arrays. The point is checked as a file's row
    is (so a crafted click cannot bring what an upload could not); PointsError when it
    is refused or MAX_POINTS are already there."""
    X, y = np.asarray(X, np.float64).reshape(-1, 2), np.asarray(y, np.float64).ravel()
    point = [[coordinate("x1", x1), coordinate("x2", x2)]]
    value = label(value, problem, classes)
    if len(y) >= MAX_POINTS:
        raise PointsError(f"there are already {MAX_POINTS:,} points, the most there can be: "
                          "remove some first")
    return np.vstack([X, point]), np.append(y, value)


def first_points(X, y, n=MAX_POINTS):
    """At most the first n points, and a note saying how many were left out (or "")."""
    X, y = np.asarray(X, np.float64).reshape(-1, 2), np.asarray(y, np.float64).ravel()
    if len(y) <= n:
        return X, y, ""
    return X[:n], y[:n], f"only the first {n:,} of its {len(y):,} points (the most there can be)"


def remove_nearest(X, y, x1, x2, radius):
    """(X, y) without the point nearest (x1, x2) if it lies within `radius`, else as is."""
    X, y = np.asarray(X, np.float64).reshape(-1, 2), np.asarray(y, np.float64).ravel()
    if len(y) == 0:
        return X, y
    distance = np.hypot(X[:, 0] - x1, X[:, 1] - x2)        # (n,)
    i = int(np.argmin(distance))
    if not distance[i] <= radius:
        return X, y
    return np.delete(X, i, axis=0), np.delete(y, i)


def dataset_from_points(X, y, test_fraction, seed, problem="classification") -> Dataset:
    """The points shuffled and split as make_dataset splits its own (same seeded stream),
    so the same points, fraction and seed always give the same train and test sets."""
    X, y = np.asarray(X, np.float64).reshape(-1, 2), np.asarray(y, np.float64).ravel()
    check_points(X, y, problem)
    if not 0 <= test_fraction <= 0.9:
        raise PointsError("test fraction must be from 0 to 0.9")
    return split(X, y, test_fraction, np.random.default_rng([seed, 1]))
