"""Numbers as a person types them, read by one grammar wherever they come from: a link's
value, a points file's cell, a click on the plane. So a number one reader takes, no other
refuses, and the text we write (`number_text`) is always read back.

Python's int() and float() also read full-width and Arabic-Indic digits (８, ١) and
digit groups (1_000), which no link we write and no spreadsheet's CSV holds; the echo of
such a value would not show what was typed, so they are refused, and the reason says why.
"""
import numbers
import re

MAX_DIGITS = 15            # a whole number: a seed has 10 digits at most; more is a typo
MAX_CHARS = 40             # a number: repr of any float takes 24 at most
WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|nan)",
                    re.ASCII | re.IGNORECASE)


# Each reader returns the value, or raises ValueError whose message completes the sentence
# "... is not <message>", e.g. "a whole number".
def _plain(text, what):
    """Refuse what int() and float() read but a person rarely types, naming it (an echo
    of the value drops the _, so the reason must say it)."""
    if "_" in text:
        raise ValueError(f"a plain {what} (no underscores between digits)")
    if not text.isascii():
        raise ValueError(f"a plain {what} (ASCII digits 0 to 9 only)")


def read_whole(text: str) -> int:
    """A whole number from text like 42 or -3 (no 1.0, no 1e3)."""
    text = text.strip()
    _plain(text, "whole number")
    if not WHOLE.fullmatch(text):
        raise ValueError("a whole number")
    if len(text.lstrip("+-")) > MAX_DIGITS:
        raise ValueError(f"a whole number of at most {MAX_DIGITS} digits")
    return int(text)


def read_number(value) -> float:
    """A number from text like 0.5, -1e-3 or inf, or from a number a page sent (a click's
    JSON); never a bool. Infinity and NaN pass, so that the caller's own range check says
    why they can't be. -0 reads as 0, so it is written back as 0."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value) + 0.0
    if not isinstance(value, str):
        raise ValueError("a number")
    text = value.strip()
    _plain(text, "number")
    if len(text) > MAX_CHARS:
        raise ValueError(f"a number of at most {MAX_CHARS} characters")
    if not NUMBER.fullmatch(text):
        raise ValueError("a number")
    return float(text) + 0.0


def number_text(x: float) -> str:
    """The shortest text that reads back as exactly x: %g when it round-trips, else repr;
    0, never -0."""
    x = float(x) + 0.0
    short = f"{x:g}"
    return short if float(short) == x else repr(x)
