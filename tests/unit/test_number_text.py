"""The one number grammar of links, files and clicks: what it reads, what it refuses and
why, and that what it writes reads back exactly."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.number_text import (MAX_CHARS, MAX_DIGITS, number_text, read_number,
                                    read_whole)


@pytest.mark.parametrize("text, value", [("42", 42), (" -3 ", -3), ("+7", 7), ("-0", 0),
                                         ("9" * MAX_DIGITS, int("9" * MAX_DIGITS))])
def test_whole_numbers_read(text, value):
    assert read_whole(text) == value


@pytest.mark.parametrize("text, reason", [
    ("1.0", "a whole number"), ("1e3", "a whole number"), ("", "a whole number"),
    ("1_000", "a plain whole number (no underscores between digits)"),
    ("４２", "a plain whole number (ASCII digits 0 to 9 only)"),
    ("٤٢", "a plain whole number (ASCII digits 0 to 9 only)"),
    ("9" * (MAX_DIGITS + 1), f"a whole number of at most {MAX_DIGITS} digits"),
])
def test_whole_numbers_refused_say_why(text, reason):
    with pytest.raises(ValueError) as refused:
        read_whole(text)
    assert str(refused.value) == reason


@pytest.mark.parametrize("value, expected", [
    ("0.5", 0.5), (" -1e-3 ", -1e-3), (".5", 0.5), ("5.", 5.0), ("1E2", 100.0),
    ("inf", math.inf), ("-INF", -math.inf), (3, 3.0), (0.25, 0.25), (np.float32(0.5), 0.5),
    (np.int64(2), 2.0),
])
def test_numbers_read_from_text_or_a_pages_number(value, expected):
    assert read_number(value) == expected


@pytest.mark.parametrize("value, reason", [
    ("abc", "a number"), ("", "a number"), ("0x10", "a number"), ("1,5", "a number"),
    ("Infinity", "a number"), (True, "a number"), (None, "a number"), ([1], "a number"),
    ("1_0", "a plain number (no underscores between digits)"),
    ("８", "a plain number (ASCII digits 0 to 9 only)"),
    ("١", "a plain number (ASCII digits 0 to 9 only)"),
    ("0." + "1" * MAX_CHARS, f"a number of at most {MAX_CHARS} characters"),
])
def test_numbers_refused_say_why(value, reason):
    with pytest.raises(ValueError) as refused:
        read_number(value)
    assert str(refused.value) == reason


@pytest.mark.parametrize("value", ["-0", "-0.0", -0.0, np.float64(-0.0)])
def test_minus_zero_reads_as_zero(value):
    assert math.copysign(1, read_number(value)) == 1


@given(st.floats(allow_nan=False))
def test_number_text_reads_back_exactly_and_never_says_minus_zero(x):
    text = number_text(x)
    assert read_number(text) == x and text != "-0" and len(text) <= MAX_CHARS
