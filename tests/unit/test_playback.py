"""The live view's server side: ticks only when the page asks, Pause stops at the frame
the page showed, and every payload follows the written schema."""
import json
import threading
import time

import numpy as np

from playground.config import Config
from ui.live.playback import FRAMES_PER_TICK, UNITS_EVERY, FairLock, Playback
from ui.live.schema import check_payload


def playing():
    run = Playback(Config(epochs=10**6))
    run.play()
    return run


def test_nothing_trains_until_the_page_asks():
    run = playing()
    assert run.serve(100) == 0 and run.session.epoch == 0      # a hidden tab asks nothing
    run.want()
    assert run.serve(100) > 0
    assert run.serve(100) == 0                                  # one ask, one tick


def test_pause_goes_back_to_the_frame_on_screen():
    run = playing()
    run.want()
    run.serve(100)
    shown = run.frames[len(run.frames) // 2]
    assert shown["epoch"] < run.session.epoch                   # the server is ahead
    run.pause()                                                 # the button, then the page's
    run.pause(at=shown["epoch"])                                # trigger: either order works
    assert run.session.epoch == shown["epoch"] == run.frames[-1]["epoch"]
    assert run.frames[-1]["z"] == shown["z"]
    assert run.session.history.column("epoch")[-1] <= shown["epoch"]
    run.step()
    assert run.session.epoch == shown["epoch"] + 1


def test_the_same_run_continues_after_a_rewind():
    a, b = playing(), playing()
    a.want()
    a.serve(100)
    a.pause(at=a.frames[3]["epoch"])
    target = a.session.epoch + 50
    a.session.advance(target - a.session.epoch)
    b.session.advance(target)
    assert np.array_equal(a.session.theta, b.session.theta)


def test_payloads_follow_the_schema_and_carry_unit_pictures_every_few_frames():
    run = playing()
    assert check_payload(run.payload("/plotly.js")) == []
    run.want()
    run.serve(100)
    run.have({})
    data = run.payload("/plotly.js", clickable=True)
    assert check_payload(data) == [] and set(data["specs"]) == {"points", "loss", "diagram"}
    has_units = ["units" in f for f in data["frames"]]
    assert 1 <= len(has_units) <= FRAMES_PER_TICK and has_units[-1]
    assert sum(has_units) >= len(has_units) // UNITS_EVERY


def test_a_finished_run_says_so():
    run = Playback(Config(epochs=300))
    run.play()
    while run.running:
        run.want()
        run.serve(100)
    assert run.payload("/p")["message"] == "Finished 300 epochs: raise Epochs to run to go on."
    run.session.retune(epochs=200)
    assert "below this run's 300 epochs" in run.message()


def test_every_lesson_plays_for_seconds_at_its_speed():
    from playground.teach.lessons import LESSONS
    from ui.live.playback import LESSON_SECONDS, TICK_SECONDS, watchable_speed
    fps = FRAMES_PER_TICK / TICK_SECONDS
    for name, lesson in LESSONS.items():
        frames = lesson.config.epochs / watchable_speed(lesson.config.epochs)
        assert frames / fps >= min(LESSON_SECONDS, lesson.config.epochs / fps), name


def test_a_crowded_tick_still_sends_a_full_batch_of_fewer_epochs_each():
    run = playing()
    run.tick(1000, budget=0.02)              # 1,000 epochs a frame do not fit in 20 ms
    epochs = [f["epoch"] for f in run.frames]
    assert len(epochs) == FRAMES_PER_TICK
    assert all(0 < b - a < 1000 for a, b in zip(epochs, epochs[1:]))


def test_the_training_lock_is_taken_in_the_order_it_was_asked_for():
    lock, order = FairLock(), []
    lock.__enter__()                         # held: the threads below queue up
    threads = []
    for i in range(5):
        t = threading.Thread(target=lambda i=i: (lock.__enter__(), order.append(i),
                                                 lock.__exit__()))
        t.start()
        threads.append(t)
        while len(lock._queue) <= i:         # wait until thread i is queued
            time.sleep(0.001)
    lock.__exit__()
    for t in threads:
        t.join()
    assert order == [0, 1, 2, 3, 4]


def test_a_page_still_opening_goes_before_more_training_of_the_others():
    run = playing()
    newcomer = Playback(Config())            # its page has not had a payload yet
    run.want()
    trained_before = []
    threading.Timer(0.2, lambda: (trained_before.append(run.session.epoch),
                                  newcomer.payload("/plotly.js"))).start()
    assert run.serve(100) > 0
    assert trained_before == [0]             # the tick waited for the newcomer's payload


def test_the_input_nodes_show_each_feature_over_the_plane():
    import base64
    from ui.live.playback import UNIT_GRID
    run = Playback(Config(features=("x1_sq", "x1")))
    data = run.payload("/p")
    n = UNIT_GRID
    pictures = np.frombuffer(base64.b64decode(data["inputs"]), np.uint8).reshape(-1, n, n)
    assert len(pictures) == 7               # every feature is a node, those off to switch on
    x1, x2, x1_sq = (p.astype(int) for p in pictures[:3])  # rows: x2 upward, columns: x1
    assert x1[:, 0].max() < 30 and x1[:, -1].min() > 225        # a left-to-right ramp
    assert (np.diff(x1, axis=1) >= 0).all() and (np.diff(x2, axis=0) >= 0).all()
    assert x1_sq.min() >= 127 and x1_sq[:, n // 2].max() < 140  # 0 in the middle, white
    assert len(data["inputs_xy"]) == 7 and {x for x, _ in data["inputs_xy"]} == {0}
    net = data["network"]
    assert [on for _, _, on in net["features"]] == [True, False, True] + [False] * 4
    assert net["rows"] == [2, 0]            # W's rows: x1_sq's node, then x1's


def test_the_payloads_geometry_is_the_plotly_layouts():
    """The page places its canvases by `plane` and `diagram`: they must be the numbers
    the figures it covers were drawn with."""
    run = Playback(Config(hidden=(4, 6, 2)))
    run.have({})
    data = run.payload("/p", controls=["play", "step"])
    assert data["controls"] == ["play", "step"]
    for name, geometry in (("points", data["plane"]), ("diagram", data["diagram"])):
        layout = data["specs"][name]["figure"]["layout"]
        assert layout["margin"] == geometry["margin"] and layout["height"] == geometry["height"]
    points = data["specs"]["points"]["figure"]["layout"]
    assert points["xaxis"]["range"] == points["yaxis"]["range"] == data["plane"]["range"]
    assert points["yaxis"]["scaleanchor"] == "x" and points["xaxis"]["constrain"] == "domain"
    diagram = data["specs"]["diagram"]["figure"]["layout"]
    assert diagram["xaxis"]["range"] == data["diagram"]["x_range"]
    assert diagram["yaxis"]["range"] == data["diagram"]["y_range"]
    nodes = data["specs"]["diagram"]["figure"]["data"][-1]
    assert nodes["marker"]["size"] > data["diagram"]["picture_px"]      # a picture fits its node


def test_a_figure_is_sent_until_the_page_says_it_has_it():
    """A payload can be overtaken by a newer one before the page sees it: the server never
    takes a figure as delivered, it believes the page's word (issue 18: loss curve and
    diagram stuck on an old network while the counter ran on)."""
    run = Playback(Config(hidden=(3,)))
    assert run.payload("/p")["specs"] == {}             # first load: light, until the page speaks
    run.have({})
    first = run.payload("/p")
    assert set(first["specs"]) == {"points", "loss", "diagram"}
    assert {k: v["version"] for k, v in first["specs"].items()} == first["versions"]
    assert run.payload("/p")["specs"] == {}             # sent once per word of the page's
    run.have({"points": first["versions"]["points"]})   # it never saw the loss and diagram
    assert set(run.payload("/p")["specs"]) == {"loss", "diagram"}
    run.want(has=first["versions"])                     # a request says what it holds too
    assert run.payload("/p")["specs"] == {}


def test_a_new_network_in_an_open_page_sends_its_figures_with_its_first_frames():
    old = Playback(Config(dataset="spiral", classes=6, loss="ce", samples=60))
    old.have(old.versions())
    new = Playback(Config(dataset="spiral", classes=4, loss="ce", samples=60), page=old)
    data = new.payload("/p")
    assert new.mount != old.mount and set(data["specs"]) == {"points", "loss", "diagram"}
    outputs = data["specs"]["diagram"]["figure"]["layout"]
    assert "4 units" in json.dumps(outputs)             # the new network's 4 output units
    assert Playback(Config(), page=None).payload("/p")["specs"] == {}


def test_while_playing_the_weights_travel_with_the_frames_not_as_new_diagrams():
    """The page draws the edges from each picture frame's weights: the Plotly diagram (a
    redraw costs the page ~50 ms) is sent once per network."""
    import base64
    from playground.fast import W_and_b
    run = playing()
    run.have({})
    assert "diagram" in run.payload("/p")["specs"]
    run.want(has=run.versions())
    run.serve(100)
    data = run.payload("/p")
    assert "diagram" not in data["specs"]
    last = data["frames"][-1]
    assert [k for k, f in enumerate(data["frames"]) if "weights" in f] == \
        [k for k, f in enumerate(data["frames"]) if "units" in f]
    for b64, (W, b) in zip(last["weights"], W_and_b(run.session.params), strict=True):
        sent = np.frombuffer(base64.b64decode(b64), np.float32).reshape(len(W) + 1, -1)
        assert np.array_equal(sent[:-1], W.astype(np.float32))   # this process's numbers
        assert np.array_equal(sent[-1:], b.astype(np.float32))
