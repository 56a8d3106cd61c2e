"""The live diagram in a real browser: its + and − and its input nodes change the network
through the sidebar's own keys (so the sidebar and the link follow), what cannot be is
refused with a sentence, a unit's picture shows large on hover, the weights' curves
follow training, and an edit stays when the page's next message echoes the old value."""
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from tests.support import (PATIENCE, SURFACE, epoch, play_button, poll, press, query,
                           rerun_request, slider_text, wait_idle)

SIDEBAR = "[data-testid=stSidebar]"
# The edges canvas as a short fingerprint (a sum over a sample of its pixels), or 0 when
# nothing is drawn on it.
EDGES = """() => {
  const c = document.querySelector('.nnp-edges');
  if (!c || !c.width) return 0;
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let sum = 0;
  for (let i = 0; i < px.length; i += 4 * 7) sum += px[i] + 3 * px[i + 2] + 7 * px[i + 3];
  return sum;
}"""


def open_app(browser, app_url, query=""):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(PATIENCE)
    page.goto(app_url + query)
    page.wait_for_selector(SURFACE)
    page.wait_for_selector(".nnp-diagram .main-svg")
    wait_idle(page)
    return context, page


@pytest.fixture
def page(browser, app_url):
    context, page = open_app(browser, app_url)
    yield page
    context.close()


def link(page, key):
    return query(page).get(key, "")


def edit_button(page, label):
    return page.get_by_role("button", name=label, exact=True)


def input_node(page, k):
    """The k-th input node's picture (every feature is one, in the features' order)."""
    return page.locator("canvas.nnp-input").nth(k)


def test_plus_on_the_diagram_adds_a_layer_and_a_unit_and_the_sidebar_and_link_follow(page):
    assert link(page, "hidden") == "8,8"
    edit_button(page, "Add a hidden layer").click()
    expect(page.locator(SIDEBAR).get_by_text("3 hidden layers", exact=True)).to_be_visible()
    poll(page, lambda: link(page, "hidden") == "8,8,4", "the link's hidden=8,8,4")
    expect(page.locator(".nnp-edit-layers")).to_contain_text("3 hidden layers")
    edit_button(page, "Remove a unit from hidden layer 1").click()
    poll(page, lambda: slider_text(page, "units_1") == "7", "the sidebar's 7 units in layer 1")
    poll(page, lambda: link(page, "hidden") == "7,8,4", "the link's hidden=7,8,4")
    pictures = page.locator("canvas.nnp-unit:not(.nnp-input)")
    poll(page, lambda: sum(c.is_visible() for c in pictures.all()) == 7 + 8 + 4 + 1,
         "a picture for each of the new network's units")


def test_a_click_on_an_input_node_switches_its_feature_and_the_sidebar_and_link_follow(page):
    assert link(page, "features") == "x1,x2"
    square = input_node(page, 2)                     # x₁², off
    expect(square).to_have_class("nnp-unit nnp-input nnp-off")
    square.click()
    expect(page.locator(".st-key-features")).to_contain_text("x₁²")
    poll(page, lambda: link(page, "features") == "x1,x2,x1_sq", "the link's features")
    expect(input_node(page, 2)).to_have_class("nnp-unit nnp-input")
    x1 = page.get_by_role("switch", name="input feature x₁", exact=True)      # a keyboard reaches it too
    expect(x1).to_have_attribute("aria-checked", "true")
    x1.press("Space")                                 # on: off (and Space does not play)
    poll(page, lambda: link(page, "features") == "x2,x1_sq", "the link without x1")
    expect(input_node(page, 0)).to_have_class("nnp-unit nnp-input nnp-off")
    expect(page.get_by_role("switch", name="input feature x₁", exact=True)).to_have_attribute("aria-checked", "false")
    expect(page.locator(".st-key-play").get_by_role("button", name="Play")).to_be_enabled()


def test_what_cannot_be_is_refused_with_a_sentence(browser, app_url):
    context, page = open_app(browser, app_url, "/?features=x1&hidden=1")
    try:
        input_node(page, 0).click()                   # the only feature
        expect(page.get_by_text("The network needs at least one input feature, so x₁ stayed.")
               ).to_be_visible()
        edit_button(page, "Remove a unit from hidden layer 1").click()
        expect(page.get_by_text("Hidden layer 1 needs at least one unit", exact=False)
               ).to_be_visible()
        edit_button(page, "Remove the last hidden layer").click()
        expect(page.get_by_text("The network needs at least one hidden layer.")).to_be_visible()
        assert link(page, "features") == "x1" and link(page, "hidden") == "1"
    finally:
        context.close()


def test_hover_shows_a_units_picture_large_and_the_curves_follow_training(page):
    zoom = page.locator(".nnp-zoom")
    expect(zoom).to_be_hidden()
    unit = page.locator("canvas.nnp-unit:not(.nnp-input)").nth(9)   # layer 2, unit 2
    unit.hover()
    expect(zoom).to_be_visible()
    expect(zoom).to_contain_text("hidden layer 2, unit 2")
    expect(zoom).to_contain_text("bias ")                   # and the numbers it computes with
    expect(zoom).to_contain_text("weights in: unit 1 ")
    box = zoom.locator("canvas").bounding_box()
    assert box["width"] >= 3 * unit.bounding_box()["width"], (box, unit.bounding_box())
    page.mouse.move(5, 5)
    expect(zoom).to_be_hidden()
    poll(page, lambda: page.evaluate(EDGES) > 0, "the weights' curves drawn")
    before = page.evaluate(EDGES)
    press(page, "play", "Play")
    poll(page, lambda: page.evaluate(EDGES) not in (0, before), "the curves changing while playing")


# Every link the page writes (Streamlit keeps the query string in step with each full run).
LINKS = """(() => { window.__links = [];
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name].bind(history);
    history[name] = (state, title, url) => { window.__links.push(String(url || location.href)); return original(state, title, url); };
  } })()"""


class Echo:
    """Between the page and the server: once the page has asked for a diagram edit, it
    holds the server's messages that follow the first payload that heard it, until the
    page has sent its next message. The page then asks for frames with the widget values
    it had before the edit (the sidebar's new value is among the held messages): an echo,
    as a page on a busy machine sends it when the sidebar comes after the live view."""

    def __init__(self):
        self.edit, self.holding, self.held, self.echoed = None, False, [], False

    def route(self, ws):
        server = ws.connect_to_server()
        ws.on_message(lambda message: self.from_page(message, server, ws))
        server.on_message(lambda message: self.from_server(message, ws))

    def from_page(self, message, server, ws):
        server.send(message)
        msg = rerun_request(message)
        if msg is None:
            return
        for w in msg.rerun_script.widget_states.widgets:
            events = json.loads(w.json_trigger_value) if w.json_trigger_value else []
            for e in events if isinstance(events, list) else [events]:
                if e.get("event") == "network" and self.edit is None:
                    self.edit = e["value"]["n"]
                    return
        if self.holding:                # the page's next message went with the old values
            self.holding, self.echoed = False, True
            for held in self.held:
                ws.send(held)

    def from_server(self, message, ws):
        if self.holding:
            self.held.append(message)
            return
        ws.send(message)
        if self.edit is not None and not self.echoed and self.heard(message) >= self.edit:
            self.holding = True

    @staticmethod
    def heard(message):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        if not isinstance(message, bytes):
            return 0
        msg = ForwardMsg()
        msg.ParseFromString(message)
        if msg.WhichOneof("type") != "delta":
            return 0
        element = msg.delta.new_element
        if element.WhichOneof("type") != "bidi_component" or not element.bidi_component.json:
            return 0
        return json.loads(element.bidi_component.json)[0].get("heard", 0)


def test_an_edit_stays_when_the_pages_next_message_echoes_the_old_value(browser, app_url):
    """A − on the diagram, then Space before the page has drawn the sidebar's new units:
    Space's message still carries the old ones (an echo). The server puts its own value
    back; taken as the page's change, it built the old network again (a − on the
    diagram was undone in 2 of 15 tries of a quick +, Space, −)."""
    context, page = open_app(browser, app_url, "?epochs=10000000")
    echo = Echo()
    page.route_web_socket(re.compile(r"/_stcore/stream"), echo.route)
    page.add_init_script(LINKS)
    try:
        page.reload()
        page.wait_for_selector(".nnp-diagram .main-svg")
        wait_idle(page)
        edit_button(page, "Remove a unit from hidden layer 1").click()
        poll(page, lambda: echo.holding, "the payload that heard the edit")
        page.evaluate("() => document.activeElement.blur()")   # Space on the − presses it
        page.keyboard.press(" ")                      # Play, with the sidebar's old units
        poll(page, lambda: echo.echoed, "Space's message sent with the old units")
        expect(play_button(page)).to_be_disabled()    # playing
        played = epoch(page)
        poll(page, lambda: epoch(page) > played, "more frames")
        press(page, "pause", "Pause")                 # a full run, with what the session holds
        expect(play_button(page)).to_be_enabled()
        wait_idle(page)
        assert query(page).get("hidden") == "7,8"
        poll(page, lambda: slider_text(page, "units_1") == "7", "the sidebar's 7 units")
        hidden = [parse_qs(urlsplit(u).query).get("hidden", [""])[0]
                  for u in page.evaluate("window.__links")]
        changes = [h for h, before in zip(hidden, [None] + hidden) if h != before]
        assert changes == ["7,8"], changes            # never built back, then forward again
    finally:
        context.close()
