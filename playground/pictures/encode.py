"""Surfaces as bytes: values over the plane -> uint8, a quarter of float32's size, for
the browser, the snapshots and the colour tables that paint them."""
import numpy as np


def quantize(surface):
    """Probabilities in [0, 1] -> uint8 0..255 (NaN, from a broken run, -> 128): a quarter
    of float32's bytes, for the browser and for snapshots."""
    s = np.array(surface, dtype=np.float32)                    # a copy, worked on in place
    s *= 255
    np.copyto(s, 127.5, where=np.isnan(s))                     # rounds to 128
    return np.clip(np.rint(s, out=s), 0, 255, out=s).astype(np.uint8)[()]


def quantize_values(values):
    """Regression outputs -> uint8: [-1, 1] (the targets' range) onto 0..255, clipped,
    so 128 is 0 (NaN -> 128 too)."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float32), nan=0.0)
    return quantize((np.clip(v, -1, 1) + 1) / 2)


def quantize_classes(probabilities):
    """(K, n, n) class probabilities -> (2, n, n) uint8: the most likely class (0..K-1)
    and its probability, the confidence, on 0..255. NaN (a broken run) -> class 0 at 0."""
    p = np.nan_to_num(np.asarray(probabilities, dtype=np.float32), nan=0.0)
    return np.stack([p.argmax(axis=0).astype(np.uint8), quantize(p.max(axis=0))])


def two_class_view(surface_u8, classes):
    """A (2, n, n) class surface as one (n, n) uint8 picture for views drawn for two
    classes: class k at k * 255 / (K - 1). An (n, n) surface is returned as it is."""
    if surface_u8.ndim == 2:
        return surface_u8
    return (surface_u8[0].astype(np.uint16) * 255 // max(classes - 1, 1)).astype(np.uint8)


LEVELS = 42               # confidence levels per class in one byte (6 classes x 42 <= 256)


def class_levels(surface_u8, classes):
    """A (2, n, n) class surface (quantize_classes) as one (n, n) uint8 picture: class *
    LEVELS + level, the level being the confidence from a guess (1/K: 0) to certain
    (LEVELS - 1), so the live view still sends one byte per pixel and colours it through
    a 256-entry table (colours.class_lut)."""
    guess = 255 / classes
    confidence = (surface_u8[1].astype(np.float32) - guess) / (255 - guess)
    level = np.rint(np.clip(confidence, 0, 1) * (LEVELS - 1)).astype(np.uint8)
    return (surface_u8[0].astype(np.uint8) * LEVELS + level).astype(np.uint8)
