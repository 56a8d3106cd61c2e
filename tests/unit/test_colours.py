"""The colours the learner reads: each K-class output unit's picture in its class's colour
(the live view's payload and the static diagram alike), and regression points that stay
visible where their target is near 0 (near-white on a near-white surface)."""
import base64

import numpy as np
import pytest

from playground.config import Config
from playground.figures import charts
from playground.pictures.colours import CLASS_COLOURS, LUT, WHITE, _rgb, hidden_lut, output_luts
from playground.pictures.pixels import unit_images
from playground.pictures.png import png_data_uri, unit_picture
from ui.live.playback import UNIT_GRID, Playback, diagram_figure
from ui.live.schema import check_payload


def test_output_unit_k_goes_from_white_to_class_k_colour():
    for classes in (3, 4, 6):
        luts = output_luts(classes)
        assert len(luts) == classes
        for k, lut in enumerate(luts):
            assert lut.shape == (256, 3) and lut.dtype == np.uint8
            assert np.array_equal(lut[0], _rgb(WHITE)) and np.array_equal(lut[255], _rgb(CLASS_COLOURS[k]))
            distance = np.abs(lut.astype(int) - _rgb(CLASS_COLOURS[k])).sum(1)
            assert np.all(np.diff(distance) <= 0)          # nearer the colour as P rises
    assert output_luts(2) == [] and output_luts(1) == []   # the shared orange-blue table


def decoded(b64):
    return np.frombuffer(base64.b64decode(b64), np.uint8).reshape(256, 3)


@pytest.mark.parametrize("classes", [3, 4])
def test_a_k_class_payload_carries_one_table_per_output_unit_in_class_colours(classes):
    run = Playback(Config(dataset="gaussians", classes=classes, loss="ce", hidden=(4,)))
    data = run.payload("/plotly.js")
    assert check_payload(data) == []
    tables = [decoded(t) for t in data["output_luts"]]
    assert len(tables) == classes == run.session.units
    assert [tuple(t[255]) for t in tables] == [tuple(_rgb(c)) for c in CLASS_COLOURS[:classes]]
    hidden = decoded(data["unit_lut"])                            # hidden units: greys, no
    assert hidden.tolist() == hidden_lut(classes).tolist() != LUT.tolist()     # class's hue
    assert np.all(hidden.max(1).astype(int) - hidden.min(1) <= 10)
    run.play()
    run.want()
    run.serve(10)
    frames = run.payload("/plotly.js")["frames"]
    assert not any("output_luts" in f or "unit_lut" in f for f in frames)   # once, not per frame


@pytest.mark.parametrize("query", [dict(), dict(problem="regression", dataset="plane",
                                                loss="mse")])
def test_two_classes_and_regression_draw_their_output_on_the_shared_table(query):
    data = Playback(Config(**query)).payload("/p")
    assert data["output_luts"] == [] and decoded(data["unit_lut"]).tolist() == LUT.tolist()


def test_the_static_diagram_draws_output_unit_k_in_class_k_colour():
    """A unit that is certain of its class everywhere shows the class's full colour."""
    run = Playback(Config(dataset="gaussians", classes=3, loss="ce", hidden=(2,)))
    fig = diagram_figure(run.session)
    pngs = [img.source for img in fig.layout.images]
    assert len(pngs) == 2 + 3
    hidden = [unit_picture(u, hidden_lut(3)) for u in unit_images(run.session, UNIT_GRID)[0]]
    assert pngs[:2] == [png_data_uri(p) for p in hidden]
    certain = np.full((3, 4, 4), 255, np.uint8)
    pictures = [unit_picture(u, lut) for u, lut in zip(certain, output_luts(3))]
    assert [tuple(p[0, 0]) for p in pictures] == [tuple(_rgb(c)) for c in CLASS_COLOURS[:3]]
    fig = charts.network_figure([(np.ones((2, 3)), np.zeros(3))], ["x1", "x2"], [certain],
                                output_luts=output_luts(3))
    assert [i.source for i in fig.layout.images] == [png_data_uri(p) for p in pictures]


def test_every_regression_point_has_a_dark_edge_and_test_points_are_filled():
    from playground.session import TrainingSession
    s = TrainingSession(Config(problem="regression", dataset="plane", loss="mse"))
    traces = charts.point_traces(s.data, True, regression=True)
    assert [t.marker.symbol for t in traces] == ["circle", "diamond"]
    for t in traces:
        assert t.marker.line.color == charts.OUTLINE and t.marker.line.width >= 1
    binary = charts.point_traces(TrainingSession(Config()).data, True)
    assert binary[0].marker.line.color == "white"          # classes keep TF's white edge


def test_few_points_are_drawn_larger_than_many():
    """XOR's four points are big enough to see; 500 points stay small on the surface."""
    from playground.session import TrainingSession
    sizes = {}
    for dataset, samples in (("xor", 4), ("moons", 40), ("moons", 500)):
        s = TrainingSession(Config(dataset=dataset, samples=samples))
        traces = charts.point_traces(s.data, True)
        sizes[samples] = traces[0].marker.size
        for t in traces:                                # test diamonds: one px larger
            assert t.marker.size == sizes[samples] + t.marker.symbol.startswith("diamond")
    assert sizes[4] > sizes[40] > sizes[500] == charts.POINT_SIZE
