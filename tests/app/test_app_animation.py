"""The run as an animated GIF or WebP, through AppTest: Replay and Export each offer it,
in the format and width chosen, made from the run at the epoch on screen; before any
training there is nothing to animate."""
import io

import pytest
from PIL import Image

from ui.state import KEY


def open_panel(at, name):
    at.session_state["panel"] = name
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def animated(at):
    """The download button's label and address, and the file the page was given for it."""
    button = next(b.proto for b in at.get("download_button") if "Animated" in b.proto.label)
    picture = Image.open(io.BytesIO(at.session_state[KEY].animation[1]))
    return button, picture


@pytest.mark.parametrize("panel, key", [("Replay", "replay"), ("Export", "export")])
def test_a_panel_offers_the_run_as_a_gif_or_a_webp_at_480_or_800_px(at, panel, key):
    at.session_state["app"].run.session.advance(150)
    open_panel(at, panel)
    button, picture = animated(at)
    assert button.label == "Animated GIF, 480 px" and not button.disabled and button.url
    assert picture.format == "GIF" and picture.size[0] == 480 and picture.n_frames > 10
    assert at.session_state[KEY].animation[0][1] == 150          # the epoch on screen
    at.segmented_control(key=f"{key}_anim_kind").set_value("webp").run()
    at.segmented_control(key=f"{key}_anim_width").set_value(800).run()
    assert not at.exception, [e.value for e in at.exception]
    webp, picture = animated(at)
    assert webp.label == "Animated WebP, 800 px" and webp.url != button.url
    assert picture.format == "WEBP" and picture.size[0] == 800


def test_before_any_training_there_is_nothing_to_animate(at):
    open_panel(at, "Export")
    button = next(b.proto for b in at.get("download_button") if "Animated" in b.proto.label)
    assert button.disabled and at.session_state[KEY].animation is None
