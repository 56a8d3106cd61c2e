"""The palette every picture and figure shares, and the colour lookup tables that paint
the uint8 pictures: (256, 3) uint8 RGB, one row per byte value. NumPy only, so the live
view colours its first picture before Plotly is imported.

Orange (class 0) and blue (class 1) follow TensorFlow Playground, a pair that stays
distinct for the common colour-vision deficiencies; the surface is a diverging
orange-white-blue scale of P(class 1), lighter than the points drawn on it.
"""
import numpy as np

from .encode import LEVELS

ORANGE, BLUE = "#e8710a", "#1a73e8"
SURFACE_SCALE = [[0.0, "#f29a4a"], [0.25, "#f8c79b"], [0.5, "#f7f7f7"],
                 [0.75, "#a9c8f3"], [1.0, "#5b9bef"]]
TARGET_SCALE = [[0.0, ORANGE], [0.5, "#f7f7f7"], [1.0, BLUE]]   # regression targets, -1..1
DISCRETE_SCALE = [[0.0, "#f5b97f"], [0.5, "#f5b97f"], [0.5, "#8fb8f0"], [1.0, "#8fb8f0"]]


def colour_lut(scale=SURFACE_SCALE):
    """(256, 3) uint8 RGB for each uint8 value, interpolating the scale's stops (a stop
    given twice is a sharp step, as in Plotly: 127 is below it, 128 above)."""
    stops = np.array([s for s, _ in scale]) * 255
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for _, c in scale], float)
    v = np.arange(256)
    return np.stack([np.interp(v, stops, rgb[:, k]) for k in range(3)], 1).round().astype(np.uint8)


LUT = colour_lut()


# K classes: Okabe and Ito's colour-blind-safe palette, after the two classes' own orange
# and blue (so a 2-class run keeps its colours): green, reddish purple, yellow, sky blue.
CLASS_COLOURS = (ORANGE, BLUE, "#009e73", "#cc79a7", "#f0e442", "#56b4e9")
WHITE = "#f7f7f7"


def _rgb(colour):
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], float)


def class_lut(classes, discrete=False, strength=0.6):
    """(256, 3) uint8 RGB for the K-class surface's bytes class * LEVELS + level: from
    near-white (level 0, a guess) to the class's colour mixed `strength` of the way from
    white (level LEVELS - 1, certain), so points in the full colour stand out on it.
    Discrete: every level of a class in its mid colour. Bytes past the classes: grey."""
    lut = np.full((256, 3), 200.0)
    t = np.full(LEVELS, 0.5) if discrete else np.linspace(0, 1, LEVELS)
    for k, colour in enumerate(CLASS_COLOURS[:classes]):
        mix = strength * t[:, None]
        lut[k * LEVELS:(k + 1) * LEVELS] = (1 - mix) * _rgb(WHITE) + mix * _rgb(colour)
    return lut.round().astype(np.uint8)


def output_luts(classes):
    """The K-class network's output units, one (256, 3) uint8 table each: unit k's
    picture is P(class k), from white (0) to class k's legend colour (certain), so it
    reads as class k's region of the surface. Fewer than 3 classes: [] (the one sigmoid
    or linear output is drawn on the hidden units' table, orange-white-blue)."""
    if classes < 3:
        return []
    return [colour_lut([[0.0, WHITE], [1.0, colour]]) for colour in CLASS_COLOURS[:classes]]


GREYS = [[0.0, WHITE], [1.0, "#5f6368"]]     # a hidden unit's value, -1 (white) to +1 (dark)


def hidden_lut(classes):
    """The hidden units' table: with 2 classes (or regression, classes=1) the surface's
    orange-white-blue, on which the output is drawn too; with 3 or more, greys, since
    orange and blue are then classes 0 and 1 and a hidden unit is no class's detector
    (on them, every hidden picture read as a class 0 or class 1 region)."""
    return LUT if classes < 3 else colour_lut(GREYS)
