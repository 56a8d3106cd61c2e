"""The learner's own points: every refusal names its row, the cap leaves a note, files
round-trip, clicks add and remove points, and a session trains on the result."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.config import Config
from playground.teach.links import from_query
from playground.text import safe_quote
from playground.session import TrainingSession
from playground.data.userdata import (HEADER, MAX_FILE_MB, MAX_POINTS, PointsError, add_point,
                                      dataset_from_points, first_points, parse_points_csv,
                                      points_csv, remove_nearest)

GOOD = "x1,x2,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"


def refusal(content, **kw):
    with pytest.raises(PointsError) as info:
        parse_points_csv(content, **kw)
    return str(info.value)


# -- reading ---------------------------------------------------------------------------
def test_a_good_file_gives_float_points_and_labels():
    parsed = parse_points_csv(GOOD.encode())
    assert parsed.X.shape == (4, 2) and parsed.X.dtype == np.float64
    assert parsed.y.dtype == np.float64 and parsed.y.tolist() == [0, 1, 1, 0]
    assert parsed.X[1].tolist() == [0, 1] and parsed.notes == ()


@pytest.mark.parametrize("content", [
    " X1 , x2 ,LABEL\r\n0,0,0\r\n0,1,1\r\n1,0,1\r\n1,1,0\r\n",     # case, spaces, CRLF
    "\ufeffx1,x2,label\n0,0,0\n0,1,1\n\n1,0,1\n1,1,0",            # BOM, blank line, no final \n
    "0,0,0\n0,1,1\n1,0,1\n1,1,0\n",                               # no header
    '"0","0","0"\n0.0, 1e0, 1.0\n1,0,1\n1,1,0\n',                 # quotes, exponents
])
def test_tolerated_spellings_read_the_same(content):
    parsed = parse_points_csv(content)
    assert parsed.X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert parsed.y.tolist() == [0, 1, 1, 0]


# Rows are the file's line numbers: the header, if any, is row 1, and blank lines count.
ERRORS = [
    (b"", "the file is empty"),
    (b"  \n\n ", "the file is empty"),
    ("\ufeff\n".encode(), "the file is empty"),
    ("0,0,0\n" + "1" * 200_000 + ",0,1\n", "row 2: cannot read it as CSV"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    ("x1,x2,label\n0,0,0\x00".encode(), "not a text file"),
    ("x1,x2,label\n0,0,0\n".encode("utf-16"), "not a text file"),
    ("x1,x2,label\n0.5,caf\xe9,0\n".encode("latin-1"), "not UTF-8 text"),
    ("a,b,c\n0,0,0\n", "row 1: the header must be x1,x2,label"),
    ("x,y,label\n0,0,0\n", "row 1: the header must be x1,x2,label"),
    ("x1,x2\n0,0\n", "row 1: the header must be x1,x2,label"),
    (GOOD + "1,1,1\n0,1\n", "row 7: expected 3 columns (x1, x2, label), found 2"),
    (GOOD + "1,1,1,\n", "row 6: expected 3 columns (x1, x2, label), found 4"),
    ("x1,x2,label\n0,0,0\n1,abc,1\n", "row 3: x2 `abc` is not a number"),
    ("0,0,0\n,1,1\n", "row 2: x1 (blank) is not a number"),
    ("x1,x2,label\n0,0,0\n\n1,nan,1\n", "row 4: x2 `nan` is not a finite number"),
    ("x1,x2,label\n-inf,0,0\n", "row 2: x1 `-inf` is not a finite number"),
    ("x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,2\n", "row 5: label `2` must be 0 or 1"),
    ("x1,x2,label\n0,0,yes\n", "row 2: label `yes` must be 0 or 1"),
    ("x1,x2,label\n0,0,0.5\n", "row 2: label `0.5` must be 0 or 1"),
    ("x1,x2,label\n0,0,0\n1,1,1\n1001,0,1\n", "row 4: x1 `1001` is outside -1000 to 1000"),
    ("0,0,0\n0,-1e4,1\n", "row 2: x2 `-1e4` is outside -1000 to 1000"),
    ("x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n", "only 3 points: at least 4 are needed"),
    ("x1,x2,label\n", "only 0 points: at least 4 are needed"),
    ("x1,x2,label\n0,0,1\n1,1,1\n0,1,1\n1,0,1\n",
     "all points are class 1: a classifier needs both classes"),
    ("0,0,0\n1,1,0\n0,1,0\n1,0,0\n", "all points are class 0"),
]


@pytest.mark.parametrize("content, message", ERRORS)
def test_each_problem_is_refused_with_its_row(content, message):
    assert message in refusal(content)


def test_the_first_bad_row_is_the_one_named():
    assert refusal("0,0,0\n1,x,1\n2,y,1\n1,1\n").startswith("row 2: x2 `x`")


def test_points_error_is_a_value_error():
    assert issubclass(PointsError, ValueError)


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "[a](http://e.x)",
                                     "**b** `c` _d_ |e| $f$", "![i](j.png)" * 20])
def test_echoed_values_are_cut_and_harmless(hostile):
    message = refusal(f"x1,x2,label\n0,{hostile},0\n")
    assert message.startswith("row 2: x2 ")
    quoted = message.split("`")[1]
    assert len(quoted) <= 30 and message.count("`") == 2
    for token in ("<", ">", "[", "](", "*", "_", "|", "$", "://", "!"):
        assert token not in message


def test_a_long_file_is_cut_at_max_rows_with_a_note():
    rows = "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(5000))
    parsed = parse_points_csv("x1,x2,label\n" + rows)
    assert len(parsed.y) == MAX_POINTS == 2000
    assert parsed.notes == ("Only the first 2,000 rows were used; the file has 5,000.",)
    assert parse_points_csv(rows, max_rows=10).X.shape == (10, 2)
    past_the_cap = parse_points_csv(rows + "bad\n")                  # counted, never read
    assert past_the_cap.notes == ("Only the first 2,000 rows were used; the file has 5,001.",)


def test_a_file_up_to_max_file_mb_is_read_and_one_byte_more_is_refused_with_its_size():
    cap = MAX_FILE_MB * 2**20
    rows = GOOD + "0,0,0\n" * ((cap - len(GOOD)) // 6)
    at_the_cap = (rows + " " * (cap - len(rows))).encode()     # a last line of blanks
    assert len(at_the_cap) == cap
    assert len(parse_points_csv(at_the_cap).y) == MAX_POINTS
    assert refusal(at_the_cap + b"\n") == (f"the file is {MAX_FILE_MB + 0.1:.1f} MB, and a points "
                                          f"file can be at most {MAX_FILE_MB} MB (2,000 points "
                                          "take about 0.1 MB)")
    assert refusal(at_the_cap.decode() * 2).startswith(f"the file is {2 * MAX_FILE_MB:.1f} MB")


# -- writing ---------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-1000, 1000), st.floats(-1000, 1000), st.sampled_from([0, 1])),
                min_size=4, max_size=50).filter(lambda rows: len({r[2] for r in rows}) == 2))
def test_points_csv_reads_back_exactly(rows):
    X = np.array([r[:2] for r in rows], dtype=np.float64)
    y = np.array([r[2] for r in rows], dtype=np.float64)
    text = points_csv(X, y)
    assert text.startswith("x1,x2,label\n")
    parsed = parse_points_csv(text)
    assert np.array_equal(parsed.X, X) and np.array_equal(parsed.y, y)


# -- clicking points in -----------------------------------------------------------------
def test_add_point_appends_without_touching_the_inputs():
    X, y = np.empty((0, 2)), np.empty(0)
    X1, y1 = add_point(X, y, 0.5, -0.25, 1)
    X2, y2 = add_point(X1, y1, 1.0, 2.0, 0)
    assert X2.tolist() == [[0.5, -0.25], [1.0, 2.0]] and y2.tolist() == [1, 0]
    assert len(X) == 0 and len(X1) == 1
    with pytest.raises(PointsError):
        add_point(X, y, 0, 0, 2)
    with pytest.raises(PointsError):
        add_point(X, y, float("nan"), 0, 1)


def test_add_point_refuses_a_point_past_the_cap_and_says_so():
    X, y = np.zeros((MAX_POINTS, 2)), np.zeros(MAX_POINTS)
    with pytest.raises(PointsError, match="already 2,000 points"):
        add_point(X, y, 1, 1, 1)
    assert len(add_point(X[:-1], y[:-1], 1, 1, 1)[1]) == MAX_POINTS


@pytest.mark.parametrize("x1, words", [
    (1e308, "is outside -1000 to 1000"), (-1001, "is outside"), ("1e308", "is outside"),
    ("abc", "`abc` is not a number"), (None, "is not a number"), (True, "is not a number"),
    ([1], "is not a number"), (float("nan"), "is not a finite number"),
    ("inf", "is not a finite number"),
])
def test_a_clicked_point_is_checked_as_a_files_row_is(x1, words):
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1.0])
    with pytest.raises(PointsError, match="^x1 ") as clicked:
        add_point(X, y, x1, 0.5, 1)
    assert words in str(clicked.value)
    with pytest.raises(PointsError) as uploaded:
        parse_points_csv(f"x1,x2,label\n{x1},0.5,1\n0,0,0\n1,1,1\n2,2,0\n")
    assert str(uploaded.value) == f"row 2: {clicked.value}"


# Texts that Python's float() reads, or that look like numbers, and whether the one
# grammar takes them (links and files alike; the values fit noise's 0 to 2 and a class).
SPELLINGS = [("1", True), (" 1.0 ", True), ("+.5", True), ("1e0", True), ("1.", True),
             ("-0", True), ("١", False), ("８", False), ("1_0", False), ("0x1", False),
             ("٠.5", False), ("½", False), ("1" * 41, False), ("0." + "0" * 39, False)]


@pytest.mark.parametrize("text, taken", SPELLINGS)
def test_a_files_cell_reads_numbers_as_a_link_does(text, taken):
    link = from_query({"noise": text})
    assert (link.problems == ()) == taken, link.problems
    rows = f"x1,x2,label\n{text},0,0\n1,1,1\n0,1,1\n1,0,0\n"
    if taken:
        assert parse_points_csv(rows).X[0, 0] == float(text)
        as_label = rows.replace(f"{text},0,0", f"0,0,{text}", 1)
        assert float(text) not in (0, 1) or parse_points_csv(as_label).y[0] == float(text)
    else:
        reason = link.problems[0].split(" is not ")[1].split(";")[0]
        assert refusal(rows) == f"row 2: x1 {safe_quote(text, 30)} is not {reason}"


def test_first_points_caps_a_copy_and_says_so():
    X, y = np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 0.0])
    assert first_points(X, y, 5)[2] == ""
    X3, y3, note = first_points(X, y, 3)
    assert X3.tolist() == X[:3].tolist() and y3.tolist() == [0, 1, 0]
    assert note == "only the first 3 of its 5 points (the most there can be)"


@pytest.mark.parametrize("sep, name", [(";", "semicolons (;)"), ("\t", "tabs"), ("|", "bars (|)")])
@pytest.mark.parametrize("header", [True, False])
def test_another_separator_is_named(sep, name, header):
    rows = ["0.5", "1.5", "0"], ["1", "2", "1"]
    text = (sep.join(HEADER) + "\n" if header else "") + "".join(sep.join(r) + "\n" for r in rows)
    with pytest.raises(PointsError, match=fr"row 1: the columns are separated by {re.escape(name)}"):
        parse_points_csv(text)
    decimal_commas = "0,5;1,5;0\n1;2;1\n"          # what a German spreadsheet saves
    with pytest.raises(PointsError, match="separated by semicolons"):
        parse_points_csv(decimal_commas)


def test_remove_nearest_removes_only_the_closest_point_within_the_radius():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0])
    X2, y2 = remove_nearest(X, y, 0.9, 0.1, radius=0.2)
    assert X2.tolist() == [[0, 0], [0, 1]] and y2.tolist() == [0, 1]
    X3, y3 = remove_nearest(X, y, 0.5, 0.5, radius=0.2)          # nothing that close
    assert np.array_equal(X3, X) and np.array_equal(y3, y)
    X4, _ = remove_nearest(np.empty((0, 2)), np.empty(0), 0, 0, 1)
    assert X4.shape == (0, 2)
    assert len(X) == 3                                               # inputs untouched


# -- training on them --------------------------------------------------------------------
def test_dataset_from_points_is_a_deterministic_split():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (40, 2))
    y = (X[:, 0] > 0).astype(float)
    a = dataset_from_points(X, y, 0.25, seed=3)
    b = dataset_from_points(X, y, 0.25, seed=3)
    c = dataset_from_points(X, y, 0.25, seed=4)
    assert len(a.y_train) == 30 and len(a.y_test) == 10
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)
    together = np.concatenate([a.X_train, a.X_test])
    assert sorted(map(tuple, together)) == sorted(map(tuple, X))     # a shuffle, nothing lost
    with pytest.raises(PointsError, match="at least 4"):
        dataset_from_points(X[:3], y[:3], 0.25, seed=3)
    with pytest.raises(PointsError, match="both classes"):
        dataset_from_points(X, np.ones(40), 0.25, seed=3)


def test_a_session_learns_the_users_points():
    rows = "".join(f"{x:.3f},{x * 0.5 - 0.2:.3f},{int(x > 0)}\n"
                   for x in np.linspace(-1, 1, 41) if abs(x) > 0.02)
    parsed = parse_points_csv("x1,x2,label\n" + rows)
    data = dataset_from_points(parsed.X, parsed.y, 0.2, seed=1)
    config = Config(hidden=(4,), optimizer="adam", lr=0.05, epochs=300)
    session = TrainingSession(config, data=data)
    assert session.data is data
    session.advance(config.epochs)
    m = session.evaluate()
    assert m.train_accuracy == 1.0 and m.test_accuracy == 1.0


# -- more classes and regression targets ---------------------------------------------------
def refuse(content, says, **kw):
    assert says in refusal(content, **kw)


def test_a_file_with_up_to_six_classes_reads_when_told_the_classes():
    rows = "".join(f"{k * 0.1},{-k * 0.2},{k}\n" for k in range(6)) * 2
    parsed = parse_points_csv("x1,x2,label\n" + rows, classes=6)
    assert sorted(set(parsed.y)) == [0, 1, 2, 3, 4, 5]
    refuse(rows, "row 3: label `2` must be 0 or 1")                        # two classes
    refuse(rows, "row 5: label `4` must be a whole number from 0 to 3 for 4 classes",
           classes=4)
    refuse("0,0,0\n1,1,1\n2,2,1.5\n3,3,0\n", "row 3: label `1.5` must be a whole number "
           "from 0 to 2 for 3 classes", classes=3)


def test_a_regression_file_reads_real_targets_and_names_what_is_wrong():
    text = "x1,x2,target\n0,0,0.25\n1,0,-0.5\n0,1,1e-3\n1,1,0.75\n"
    parsed = parse_points_csv(text, problem="regression")
    assert parsed.y.tolist() == [0.25, -0.5, 0.001, 0.75]
    assert parse_points_csv(text.replace("target", "label"), problem="regression").y[1] == -0.5
    refuse(text, "row 1: the header must be x1,x2,label (or leave it out", classes=2)
    refuse(text.replace("0.25", "abc"), "row 2: target `abc` is not a number",
           problem="regression")
    refuse(text.replace("0.25", "nan"), "row 2: target `nan` is not a finite number",
           problem="regression")
    refuse("0,0,0.5\n1,0,0.5\n0,1,0.5\n1,1,0.5\n", "every target is 0.5: regression needs "
           "targets that vary", problem="regression")
    assert points_csv(parsed.X, parsed.y, "regression").splitlines()[3] == "0.0,1.0,0.001"


def test_clicks_carry_a_class_of_k_or_a_target_checked_as_a_file_row_is():
    X, y = np.empty((0, 2)), np.empty(0)
    X, y = add_point(X, y, 0.1, 0.2, 4, classes=5)
    X, y = add_point(X, y, 0.3, 0.4, "2", classes=5)
    assert y.tolist() == [4.0, 2.0]
    with pytest.raises(PointsError, match="must be a whole number from 0 to 4"):
        add_point(X, y, 0, 0, 5, classes=5)
    X, y = add_point(X, y, 0.5, 0.5, -0.75, problem="regression")
    assert y[-1] == -0.75
    with pytest.raises(PointsError, match="target"):
        add_point(X, y, 0, 0, float("inf"), problem="regression")
    data = dataset_from_points(np.zeros((6, 2)) + np.arange(6)[:, None], np.arange(6) / 5,
                               0.5, 1, problem="regression")
    assert len(data.y_train) + len(data.y_test) == 6
