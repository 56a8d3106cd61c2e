"""The room member's tiles follow the student's screen: the live view's page plays a
tick's frames after the session trained them all, so a tile is made from the frame on
screen at its moment, not from the session's latest state."""
import json
import math

import pytest

from playground.config import Config
from playground.room.tile import make_tile
from ui.live import playback
from ui.live.playback import Playback
from ui.room.member import PUBLISH_EVERY, _on_screen

NOW = 1000.0


def played(ticks=1):
    run = Playback(Config(epochs=100_000), running=True)
    for _ in range(ticks):
        run.tick(epochs_per_redraw=5, budget=0.05)
    return run


def test_a_paused_run_has_one_tile_of_the_session_now():
    run = played()
    run.pause()
    ((when, tile),) = _on_screen(run, NOW)
    assert when == NOW and tile == make_tile(run.session, "")


def test_a_long_tick_gives_a_tile_every_publish_each_of_the_frame_then_on_screen(monkeypatch):
    monkeypatch.setattr(playback, "tick_seconds", lambda: 3.0)      # a crowded server's tick
    monkeypatch.setattr("ui.room.member.tick_seconds", lambda: 3.0)
    run = played()
    tiles = _on_screen(run, NOW)
    epochs = [f["epoch"] for f in run.frames]
    times = [k * PUBLISH_EVERY for k in range(math.ceil(3.0 / PUBLISH_EVERY))]
    assert [when for when, _ in tiles] == pytest.approx([NOW + t for t in times])
    shown = [t["epoch"] for _, t in tiles]
    n = len(epochs)
    assert shown == [epochs[int(t / 3.0 * n)] for t in times]
    assert shown[-1] < run.session.epoch                  # behind the session, as the screen is
    assert all(t["loss"][-1][0] <= t["epoch"] for _, t in tiles)   # the curve up to that epoch
    json.dumps([t for _, t in tiles])

