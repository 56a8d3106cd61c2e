"""The datasets' pictures and the noise each starts from: every dataset has both, the
pictures show each class in its colour, and each is made once."""
import zlib

import numpy as np
import pytest

from playground.data.datasets import DATASETS, MULTICLASS, NAMES, NOISE, REGRESSION, make_dataset
from playground.pictures.colours import CLASS_COLOURS, _rgb
from playground.pictures.thumbnails import SIZE, picture, thumbnail


def decoded(png):
    """PNG bytes (png.png_bytes's: one IDAT, 8-bit RGB, filter 0) -> (h, w, 3) uint8."""
    w, h = np.frombuffer(png[16:24], ">u4")
    start = png.index(b"IDAT") + 4
    rows = np.frombuffer(zlib.decompress(png[start:png.index(b"IEND") - 8]), np.uint8)
    return rows.reshape(h, 1 + w * 3)[:, 1:].reshape(h, w, 3)


def test_every_dataset_starts_from_a_noise_and_the_default_is_kept():
    assert set(NOISE) == set(NAMES)
    assert NOISE["moons"] == 0.1            # the default run (Config's moons at 0.1) is unchanged
    assert NOISE["xor-cloud"] == 0.0 and NOISE["spiral"] < 0.05     # crisp, arms apart


@pytest.mark.parametrize("name", list(DATASETS))
def test_a_picture_shows_each_class_in_its_colour(name):
    classes = 3 if name in MULTICLASS else 2
    rgb = decoded(thumbnail(name, classes))
    assert rgb.shape == (SIZE, SIZE, 3)
    colours = {tuple(c) for c in rgb.reshape(-1, 3)}
    if name not in REGRESSION:
        assert {tuple(_rgb(c).astype(np.uint8)) for c in CLASS_COLOURS[:classes]} <= colours
    assert (255, 255, 255) in colours and len(colours) >= 3


def test_pictures_differ_and_each_is_made_once():
    pngs = [thumbnail(name) for name in DATASETS]
    assert len(set(pngs)) == len(pngs)
    assert thumbnail("spiral", 3) is thumbnail("spiral", 3)         # cached, not made again
    assert thumbnail("spiral", 3) != thumbnail("spiral", 4)


def test_the_spirals_arms_do_not_touch_at_its_noise():
    """At the spiral's starting noise, a point's nearest neighbour is of the other arm only
    where the arms meet at the centre (2%, as at noise 0); at the old 0.1, for 1 in 4."""
    def mixed(noise):
        d = make_dataset("spiral", samples=300, noise=noise, test_fraction=0.0, seed=0)
        X, y = d.X_train, d.y_train
        dist = np.hypot(*(X[:, None] - X[None]).transpose(2, 0, 1))
        np.fill_diagonal(dist, np.inf)
        return np.mean(y[dist.argmin(axis=1)] != y)     # nearest neighbour of another class
    assert mixed(NOISE["spiral"]) < 0.05 and mixed(0.1) > 0.2            # 0.023, 0.27


def test_few_points_are_drawn_as_bigger_dots():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    dots = (picture(X, np.array([0, 1, 1, 0.]), "xor") != 255).any(axis=2).sum()
    assert dots >= 4 * 25                                  # 7 x 7 each, clipped at the edge
