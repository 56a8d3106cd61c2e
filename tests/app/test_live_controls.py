"""The run's controls as the live view's page knows them (ui/live/schema.py CONTROLS):
each is a button keyed by its name (the page knows a click on Pause by that key's CSS
class), and every payload offers the page's keys exactly the controls a learner could
press now."""
import json

from streamlit.testing.v1 import AppTest

from tests.support import APP, live_element
from ui.live.schema import CONTROLS, unwire


def offered(at):
    return unwire(live_element(at).proto.json)["controls"]


def test_every_control_is_a_button_keyed_by_its_name_and_offered_when_it_can_act(at):
    assert {name: at.button(key=name).disabled for name in CONTROLS} == {
        "play": False, "pause": True, "step": False, "reset": False}
    assert offered(at) == ["play", "step", "reset"]
    at.button(key="play").click().run()
    assert offered(at) == ["pause", "step", "reset"]
    at.button(key="pause").click().run()
    assert offered(at) == ["play", "step", "reset"]


def test_a_control_a_link_hides_is_not_offered_to_the_keys():
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["hide"] = "reset,step"
    at.run()
    assert not at.exception
    assert offered(at) == ["play"]
