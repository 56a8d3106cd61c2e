"""The pictures layer: the network over its plane as floats (laid out rows x2, columns
x1), made into bytes and painted through 256-entry tables, for every problem type."""
import numpy as np
import pytest

from playground import Config, TrainingSession
from playground.pictures import plane
from playground.pictures.encode import (LEVELS, quantize, quantize_classes, quantize_values,
                                        two_class_view)
from playground.pictures.pixels import (surface_lut, surface_picture, surface_tile, unit_images,
                                        unit_luts)

SMALL = Config(dataset="moons", samples=100, hidden=(8, 8), epochs=1000, precision="float64")
KINDS = {"binary": Config(dataset="moons", samples=80, hidden=(4,)),
         "softmax": Config(dataset="spiral", classes=3, loss="ce", samples=90, hidden=(4,)),
         "regression": Config(dataset="plane", problem="regression", loss="mse", samples=80,
                              hidden=(4,))}


# -- the plane, as floats --------------------------------------------------------------------
def test_surface_is_a_probability_grid_laid_out_rows_x2_columns_x1():
    session = TrainingSession(SMALL)
    session.advance(200)
    n = 25
    surface = plane.surface(session, n)
    assert surface.shape == (n, n)
    assert ((surface >= 0) & (surface <= 1)).all()
    t = np.linspace(*session.bounds, n)
    i, j = 3, 17                                        # row i is x2 = t[i], column j is x1 = t[j]
    assert surface[i, j] == pytest.approx(session.predict([[t[j], t[i]]])[0], rel=1e-12)
    assert np.array_equal(plane.grid_points(session.bounds, n)[i * n + j], [t[j], t[i]])


def test_unit_surfaces_have_one_map_per_unit():
    session = TrainingSession(SMALL.replace(hidden=(5, 3)))
    maps = plane.unit_surfaces(session, 16)
    assert [m.shape for m in maps] == [(5, 16, 16), (3, 16, 16), (1, 16, 16)]
    np.testing.assert_allclose(maps[-1][0], plane.surface(session, 16), rtol=1e-12)
    assert ((maps[0] >= -1) & (maps[0] <= 1)).all()               # tanh units


def test_the_grid_is_made_once_per_box_and_size_and_cannot_change():
    bounds = (-1.5, 2.0)
    points = plane.grid(bounds, 9)
    assert plane.grid(bounds, 9) is points and plane.grid(bounds, 10) is not points
    assert not points.flags.writeable
    np.testing.assert_array_equal(points, plane.grid_points(bounds, 9))


def test_every_session_makes_its_grids_inputs_once_however_many_sessions_there_are():
    sessions = [TrainingSession(Config(samples=20, seed=seed)) for seed in range(60)]
    assert len({s.bounds for s in sessions}) == 60
    for _ in range(2):                  # two frames of every session
        for s in sessions:
            plane.surface(s, 12)
            plane.unit_surfaces(s, 12)
    assert all(len(s._kept) == 1 for s in sessions)     # one grid's inputs, made once


# -- bytes -----------------------------------------------------------------------------------
def test_quantized_surfaces_of_each_kind():
    np.testing.assert_array_equal(quantize_values([-2.0, -1.0, 0.0, 1.0, np.nan]),
                                  [0, 0, 128, 255, 128])
    p = np.array([[[0.7]], [[0.2]], [[0.1]]])                       # (K=3, 1, 1)
    np.testing.assert_array_equal(quantize_classes(p)[:, 0, 0], [0, quantize(0.7)])
    assert quantize_classes(p).shape == (2, 1, 1)
    view = two_class_view(np.array([[[0, 1, 2]], [[255, 255, 255]]], np.uint8), 3)
    np.testing.assert_array_equal(view, [[0, 127, 255]])
    flat = np.zeros((3, 3), np.uint8)
    assert two_class_view(flat, 2) is flat


# -- a session's pictures, one call each ----------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_each_kinds_surface_is_one_byte_per_pixel_with_its_table(kind):
    session = TrainingSession(KINDS[kind])
    session.advance(30)
    picture = surface_picture(session, 12)
    assert picture.shape == (12, 12) and picture.dtype == np.uint8
    for discrete in (False, True):
        lut = surface_lut(session, discrete)
        assert lut.shape == (256, 3) and lut.dtype == np.uint8
    tile, table = surface_tile(session, 12, discrete=True)
    assert np.array_equal(tile, picture) and np.array_equal(table, surface_lut(session, True))
    if kind == "softmax":               # class * LEVELS + level: the class is the argmax
        np.testing.assert_array_equal(picture // LEVELS,
                                      plane.class_surfaces(session, 12).argmax(axis=0))
        assert not np.array_equal(surface_lut(session, True), surface_lut(session, False))
    else:
        encoded = quantize_values if kind == "regression" else quantize
        np.testing.assert_array_equal(picture, encoded(plane.surface(session, 12)))
        smooth_only = kind == "regression"  # a predicted value is never discretized
        assert np.array_equal(surface_lut(session, True), surface_lut(session, False)) \
            == smooth_only


@pytest.mark.parametrize("kind", KINDS)
def test_unit_pictures_have_a_table_for_every_output(kind):
    session = TrainingSession(KINDS[kind])
    images = unit_images(session, 6)
    assert [i.shape for i in images] == [(4, 6, 6), (session.units, 6, 6)]
    assert all(i.dtype == np.uint8 for i in images)
    hidden, outputs = unit_luts(session)
    assert hidden.shape == (256, 3)
    assert len(outputs) == (session.units if kind == "softmax" else 0)
