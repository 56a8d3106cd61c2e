"""A session's pictures, one call each: uint8 arrays, one byte per pixel, and the colour
tables (colours.py) that paint them. The live view, the exports, the replay and the
room's tiles all take their pictures from here."""
import numpy as np

from . import colours
from .encode import class_levels, quantize, quantize_classes, quantize_values
from .plane import class_surfaces, input_surfaces, surface, unit_surfaces


def surface_u8(session, n, params=None):
    """The run's surface over the plane as bytes, with the current or the given (folded)
    parameters: (n, n) the probability of class 1 on 0..255 (2 classes); (n, n) the
    predicted value, [-1, 1] on 0..255 (regression); (2, n, n) the most likely class and
    its probability on 0..255 (3 or more classes; see encode.quantize_classes)."""
    if session.output == "softmax":
        return quantize_classes(class_surfaces(session, n, params))
    if session.output == "linear":
        return quantize_values(surface(session, n, params))
    return quantize(surface(session, n, params))


def one_byte(u8, classes):
    """A surface as surface_u8 makes it, as one uint8 per pixel: P(class 1) (2 classes), the
    predicted value on [-1, 1] (regression), or class * LEVELS + confidence level (3 or more
    classes), the values the surface's colour table (surface_lut) is indexed by."""
    return class_levels(u8, classes) if u8.ndim == 3 else u8


def surface_picture(session, n):
    """The surface as one uint8 per pixel (see one_byte)."""
    return one_byte(surface_u8(session, n), session.units)


def surface_lut(session, discrete):
    """The 256-entry colour table that goes with surface_picture: orange-white-blue for
    P(class 1) and for a predicted value (never discretized), one colour per class for K."""
    if session.output == "softmax":
        return colours.class_lut(session.units, discrete)
    if discrete and session.output == "sigmoid":
        return colours.colour_lut(colours.DISCRETE_SCALE)
    return colours.LUT


def surface_tile(session, n, discrete=False):
    """(surface_picture, surface_lut): all a small view of the run needs, in one call (a
    tile of the room's wall of runs)."""
    return surface_picture(session, n), surface_lut(session, discrete)


def unit_luts(session):
    """The tables that go with unit_images: (the hidden units', [each output unit's]),
    in K classes' colours for a softmax output; two classes and regression share the
    orange-white-blue table (classes=1), the output drawn on the hidden units' table."""
    classes = session.units if session.output == "softmax" else 1
    return colours.hidden_lut(classes), colours.output_luts(classes)


def unit_images(session, n):
    """Each hidden and output unit's output over the plane as uint8 (units, n, n) per
    layer: hidden values are shown on [-1, 1] (0 is white), the output on [0, 1]."""
    layers = unit_surfaces(session, n)
    images = [quantize((np.clip(a, -1, 1) + 1) / 2) for a in layers[:-1]]
    last = quantize_values if session.output == "linear" else quantize
    return images + [last(layers[-1])]


def input_images(session, n, features=None):
    """Each input feature's picture as uint8 (features, n, n), on the hidden units' scale:
    divided by its largest size on the plane, so x₁ runs from one side's colour through
    white to the other's, and x₁² from white to one colour, as TF Playground shows them."""
    a = input_surfaces(session, n, features).astype(np.float64)
    peak = np.abs(a).reshape(len(a), -1).max(axis=1)[:, None, None]
    return quantize((a / np.where(peak > 0, peak, 1) + 1) / 2)
