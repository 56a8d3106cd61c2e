"""Every learner: axe-core finds nothing serious or critical on the first load, while
playing and with each panel open; a screen reader hears the epoch, loss and accuracy at a
calm rate; every control is reached by Tab and works from the keyboard; and a click on
plain text leaves no focus ring around the whole main area.

axe-core is vendored (tests/browser/vendor/README.md says which version and why). No axe
rule is excluded: none fires on Streamlit's own markup today. One that someday fires only
there, and that we cannot change, goes into a named table here with its reason."""
import ast
import re

from playwright.sync_api import expect
from tests.support import (
    APP,
    LIVE,
    epoch,
    open_app,
    open_panel,
    play_button,
    poll,
    press,
    slider_text,
    wait_epoch,
    wait_idle,
)

AXE = APP.parent / "tests/browser/vendor/axe.min.js"
SERIOUS = ("serious", "critical")
# What axe reports, kept short enough to read in a failure: rule, impact, help, where.
AXE_RUN = """async (impacts) => {
  const r = await axe.run(document, { resultTypes: ['violations'] });
  return r.violations.filter((v) => impacts.includes(v.impact)).map((v) => ({
    rule: v.id, impact: v.impact, help: v.help,
    where: v.nodes.slice(0, 3).map((n) => n.html.slice(0, 160) + ' | ' + n.failureSummary.slice(0, 200)),
  }));
}"""


def panels():
    """The "More" panels' names, read from streamlit_app.py's PANELS (importing the app
    would run it)."""
    tree = ast.parse(APP.read_text())
    table = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and any(getattr(t, "id", None) == "PANELS" for t in node.targets))
    return [key.value for key in table.keys]


def violations(page):
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, list(SERIOUS))


def test_axe_finds_nothing_serious_on_first_load_while_playing_and_in_each_panel(page, app_url):
    open_app(page, app_url + "?epochs=10000000")
    page.wait_for_selector(".nnp-diagram .main-svg")
    found = {"first load": violations(page)}
    press(page, "play", "Play")
    expect(play_button(page)).to_be_disabled()
    page.wait_for_function(f"() => Number(({LIVE}).querySelector('.nnp-epoch').dataset.epoch) > 0")
    found["playing"] = violations(page)
    press(page, "pause", "Pause")
    expect(play_button(page)).to_be_enabled()
    wait_idle(page)
    names = panels()
    offered = page.locator(".st-key-panel").get_by_role("radio").all_inner_texts()
    assert offered == names, offered               # the page offers exactly PANELS
    for name in names:
        open_panel(page, name)
        found[name] = violations(page)
    bad = {where: v for where, v in found.items() if v}
    assert not bad, bad


SAID = f"""() => {{
  const say = ({LIVE}).querySelector('.nnp-say');
  window.__said = [];
  new MutationObserver(() => window.__said.push({{
    at: performance.now(), text: say.textContent,
    epoch: ({LIVE}).querySelector('.nnp-epoch').dataset.epoch }}))
    .observe(say, {{ childList: true, characterData: true, subtree: true }});
}}"""
PLAYING = re.compile(r"At epoch ([\d,]+): train loss [\d.]+, accuracy \d+ percent; "
                     r"test loss [\d.]+, accuracy \d+ percent\.")
SAY_MS = 5000          # ui/live/pure.js SAY_MS


def test_a_screen_reader_hears_epoch_loss_and_accuracy_calmly_and_at_pause(page, app_url):
    open_app(page, app_url + "?epochs=10000000")
    region = page.locator(".nnp-live .nnp-say")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_text(re.compile(r"^At epoch 0: train loss "))
    page.evaluate(SAID)
    press(page, "play", "Play")
    poll(page, lambda: len(page.evaluate("window.__said")) >= 3, "three things said while playing")
    press(page, "pause", "Pause")
    expect(play_button(page)).to_be_enabled()
    wait_idle(page)
    paused = epoch(page)
    poll(page, lambda: page.evaluate("window.__said").pop()["text"].startswith("Stopped at"),
         "the region to say where the run stopped")
    said = page.evaluate("window.__said")
    playing = [s for s in said if not s["text"].startswith("Stopped")]
    for s in playing:                  # the epoch on screen, with its loss and accuracy
        m = PLAYING.fullmatch(s["text"])
        assert m and m.group(1).replace(",", "") == s["epoch"], s
    gaps = [b["at"] - a["at"] for a, b in zip(playing, playing[1:])]
    # Calm: about every SAY_MS, not every frame. The observer notes a change when its
    # microtask runs, after the rest of that frame's work: a busy frame notes it late.
    assert gaps and min(gaps) >= SAY_MS - 250, gaps
    assert said[-1]["text"].startswith(f"Stopped at epoch {paused:,}: train loss "), said[-1]


def tab_to(page, key, presses=150):
    """Press Tab until the focus is inside the widget keyed `key` (or matching the selector
    `key`, when it is one)."""
    where = key if key[0] in ".[" else f".st-key-{key}"
    inside = """s => { const e = document.activeElement;
      return e && e.closest(s) ? null : e ? `${e.tagName} ${e.getAttribute('aria-label') || e.innerText.slice(0, 20)}` : 'none'; }"""
    trail = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        trail.append(page.evaluate(inside, where))
        if trail[-1] is None:
            return
    raise AssertionError(f"{presses} Tabs never reached {where}; the last went to {trail[-30:]}")


def test_every_control_is_reached_by_tab_and_works_from_the_keyboard(page, app_url):
    open_app(page, app_url + "?epochs=10000000")
    page.wait_for_selector(".nnp-diagram .main-svg")
    for key in ("preset", "dataset", "lr", "activation", "add_layer", "show_test"):  # sidebar
        tab_to(page, key)
    tab_to(page, "play")
    page.keyboard.press("Enter")
    expect(play_button(page)).to_be_disabled()                 # playing
    tab_to(page, "pause")
    page.keyboard.press("Enter")
    expect(play_button(page)).to_be_enabled()                  # paused
    wait_idle(page)
    paused = epoch(page)
    tab_to(page, "step")
    page.keyboard.press("Enter")
    wait_epoch(page, paused + 1)
    wait_idle(page)
    tab_to(page, "reset")
    page.keyboard.press("Enter")
    wait_epoch(page, 0)
    wait_idle(page)
    before = slider_text(page, "speed")
    tab_to(page, ".st-key-speed input")                        # the slider, not its help
    page.keyboard.press("ArrowLeft")
    poll(page, lambda: slider_text(page, "speed") != before, "the speed to move")
    wait_idle(page)
    tab_to(page, "panel")
    page.keyboard.press("Enter")
    expect(page.locator(".st-key-panel").get_by_role("radio", checked=True)).to_have_count(1)
    wait_idle(page)
    # ...and on, through the open panel, round to the page's first link: no trap.
    tab_to(page, "[data-testid=stSkipToContent]")


def test_a_click_on_the_title_leaves_no_focus_ring_around_the_main_area(page, app_url):
    open_app(page, app_url)
    page.get_by_role("heading", name=re.compile("NN Playground")).click()
    page.keyboard.press("ArrowDown")             # a key press is what showed the ring
    ringed = page.evaluate("() => document.querySelector('main').matches(':focus-visible')")
    assert not ringed, page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
