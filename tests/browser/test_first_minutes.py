"""A new learner's first minutes, as seen on screen: the datasets as pictures, a hint to
press Play, loss axes that fit the run on screen, a phone that shows the epoch and the
loss with the surface, the math panel's wide matrices kept on the page, and settings that
show what the server holds even when their code reaches a slow page late."""
from playwright.sync_api import expect

from playground.data.datasets import NOISE
from ui.controls import SIDEBAR_LATER
from tests.support import (LIVE, SURFACE, epoch, open_app, open_panel, play_button, poll,
                           press, query, selectbox_text, slider_text, train, wait_epoch,
                           wait_idle)

LOSS_AXES = f"() => {{ const gd = ({LIVE}).querySelector('.nnp-loss'); " \
            "return gd.layout ? [gd.layout.xaxis.range, gd.layout.yaxis.range] : null; }"


def test_a_dataset_is_picked_by_its_picture_and_starts_crisp(page, app_url):
    open_app(page, app_url)
    pictures = page.locator(".nnp-thumb")
    expect(pictures).to_have_count(6)                   # the classification datasets
    expect(page.locator(".nnp-thumb[data-name=moons]")).to_have_attribute("aria-checked", "true")
    page.locator(".nnp-thumb[data-name=spiral]").click()
    poll(page, lambda: selectbox_text(page, "dataset") == "Spiral", "the Dataset box to follow")
    wait_idle(page)
    assert slider_text(page, "noise") == f"{NOISE['spiral']:.2f}"
    poll(page, lambda: query(page).get("dataset") == "spiral", "the link to follow")
    assert float(query(page)["noise"]) == NOISE["spiral"]
    expect(page.locator(".nnp-thumb[data-name=spiral]")).to_have_attribute("aria-checked", "true")
    expect(page.locator(".nnp-thumb[data-name=moons]")).to_have_attribute("aria-checked", "false")


# When the live view and the sidebar's first widget are first on the page (page clock, ms).
FIRST_SEEN = """(() => { const seen = window.__seen = {};
  new MutationObserver(() => {
    const now = performance.now();
    if (!seen.live && document.querySelector('.nnp-live')) seen.live = now;
    if (!seen.settings && document.querySelector('[data-testid=stSidebar] [data-testid=stSelectbox]')) seen.settings = now;
  }).observe(document, { childList: true, subtree: true });
})()"""


def test_a_first_page_shows_the_live_view_first_and_the_settings_unasked(page, app_url):
    """A page's first run draws the live view without the sidebar, whose many widget kinds
    held React's reveal of the surface back; the view's first question brings them."""
    page.add_init_script(FIRST_SEEN)
    page.goto(app_url)
    page.wait_for_selector("[data-testid=stSidebar] [data-testid=stSelectbox]")   # no click
    seen = page.evaluate("window.__seen")
    assert seen.get("live") is not None and seen["live"] < seen["settings"], seen
    wait_idle(page)
    expect(page.get_by_text(SIDEBAR_LATER)).to_have_count(0)
    assert selectbox_text(page, "dataset") == "Moons"


def test_first_load_hints_play_and_reset_brings_the_loss_axes_back(page, app_url):
    open_app(page, app_url)
    hint = page.get_by_text("Press Play to train the network")
    expect(hint).to_be_visible()
    poll(page, lambda: page.evaluate(LOSS_AXES), "the loss chart's axes")
    (x, y) = page.evaluate(LOSS_AXES)
    assert x == [0, 100] and y == [0, 1]                # not -1..4 around nothing
    train(page, epochs=3000)
    expect(hint).to_have_count(0)
    assert page.evaluate(LOSS_AXES)[0][1] > 3000
    press(page, "reset", "Reset")
    poll(page, lambda: page.evaluate(LOSS_AXES)[0] == [0, 100], "the epoch axis back at 0..100")


def test_on_a_phone_the_epoch_and_the_loss_sit_under_the_surface(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        open_app(page, app_url)
        where = page.evaluate(f"""() => {{ const v = {LIVE}, r = s => v.querySelector(s)
            .getBoundingClientRect(); return [r('.nnp-surface-wrap').bottom, r('.nnp-epoch').top,
            r('.nnp-loss-wrap').top, r('.nnp-diagram-wrap').top]; }}""")
        surface, epoch, loss, diagram = where
        assert 0 < epoch - surface < 100, where          # the legend between, then the epoch
        assert epoch < loss < diagram, where              # the loss next, the diagram after
    finally:
        context.close()


def test_a_wide_matrix_scrolls_inside_the_math_panel(page, app_url):
    open_app(page, app_url + "?hidden=32,32")
    open_panel(page, "The math")
    page.wait_for_selector(".st-key-math_equations .katex")
    lines = page.evaluate("""() => [...document.querySelectorAll('.st-key-math_equations .nnp-eq')]
        .map(e => [e.scrollWidth > e.clientWidth, getComputedStyle(e).overflowX,
                   e.getBoundingClientRect().right, e.tabIndex])""")
    wide = [line for line in lines if line[0]]
    assert wide, "no matrix wider than the page: the test shows nothing"
    assert all(overflow == "auto" for _, overflow, _, _ in wide)     # scrolls, not cut
    assert all(tab == 0 for *_, tab in wide)         # and a keyboard can scroll it
    assert max(right for _, _, right, _ in lines) <= page.viewport_size["width"]


# The code of the widget kinds whose value the session sets (Streamlit's chunks).
WIDGET_CODE = "**/static/js/{Slider,Selectbox,NumberInput,Multiselect,Radio,Checkbox}.*.js"


def test_settings_whose_code_comes_late_show_and_keep_the_servers_values(page, app_url):
    """On a cold server or a busy machine a widget's code can reach the page after a later
    run: it then mounts with that run's element, which carries the value only as the
    widget's default. The speed came up at 1, not 100, and Play sent 1 (CI saw it)."""
    held = []
    page.route(WIDGET_CODE, lambda route, request: held.append(route))
    page.goto(app_url + "?epochs=10000000&lr=0.3&samples=300")
    page.wait_for_selector(SURFACE)
    page.wait_for_selector(".nnp-points.js-plotly-plot")  # the second run (the sidebar's) is in
    wait_idle(page)
    before = dict(query(page))
    press(page, "step", "Step")                           # a third run, its code still held
    wait_epoch(page, 1)
    wait_idle(page)
    assert held, "no widget code was held back"
    for route in held:
        route.continue_()
    page.wait_for_selector(".st-key-lr input[type=range]")
    wait_idle(page)
    shown = {key: slider_text(page, key) for key in ("speed", "lr", "samples", "noise", "units_1")}
    assert shown == {"speed": "100", "lr": "0.3", "samples": "300", "units_1": "8",
                     "noise": f"{NOISE['moons']:.2f}"}, shown
    assert selectbox_text(page, "dataset") == "Moons"
    press(page, "play", "Play")                           # sends every widget's value
    expect(play_button(page)).to_be_disabled()
    poll(page, lambda: epoch(page) > 1, "the run to play")
    wait_idle(page)
    after = dict(query(page))
    assert after == before, (before, after)          # the run is the one the link asked for
