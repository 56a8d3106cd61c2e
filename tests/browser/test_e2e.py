"""The app in a real browser: `streamlit run` on a free port (tests/conftest.py), opened
in headless Chromium through Playwright. Each test gets a fresh page, so a fresh
Streamlit session at epoch 0."""
import pytest
from playwright.sync_api import expect
from playground.data.datasets import NOISE
from tests.support import (IDLE, PATIENCE, SURFACE, WATCH_PAUSE, press, slider_text,  # noqa: F401
                           wait_idle)
from tools.pagewatch import READ_PAGE, WATCH

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(PATIENCE)
    page.add_init_script(WATCH)           # counts the distinct surfaces the canvas shows
    page.goto(app_url)
    page.wait_for_selector(SURFACE)
    page.wait_for_selector(".nnp-points.js-plotly-plot")
    wait_idle(page)
    yield page
    context.close()


def wait_paused(page):
    """Until the server has paused (its rerun re-enables Play) and the page has settled."""
    expect(page.locator(".st-key-play").get_by_role("button", name="Play")).to_be_enabled()
    wait_idle(page)


def epoch(page):
    """The epoch the live view shows (there must be exactly one view)."""
    views = page.locator(".nnp-epoch")
    assert views.count() == 1, f"{views.count()} live views: {views.all_text_contents()}"
    return int(views.get_attribute("data-epoch") or 0)


def painted(page):
    return page.evaluate(READ_PAGE)["painted"]


def loss_epoch(page):
    """The last epoch of the loss curve the page has drawn."""
    return int(page.evaluate("+document.querySelector('.nnp-loss-lines').dataset.epoch"))


def wait_for_epoch_change(page, old):
    page.wait_for_function(
        "old => { const e = document.querySelector('.nnp-epoch');"
        " return e && Number(e.dataset.epoch || 0) !== old; }", arg=old)
    return epoch(page)


def screenshot(page, path):
    page.screenshot(path=str(path))
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 20_000, f"{path}: {len(data)} bytes"


def test_first_load_draws_the_surface_the_loss_and_the_diagram(page, tmp_path):
    assert page.locator(".nnp-epoch").text_content() == "Epoch 0"
    for graph in (".nnp-loss", ".nnp-diagram", ".nnp-points"):
        assert page.locator(f"{graph}.js-plotly-plot").count() == 1, graph
    assert painted(page) >= 1
    assert page.locator(SURFACE).bounding_box()["height"] > 200
    screenshot(page, tmp_path / "first_load.png")


def test_the_input_nodes_show_their_features(page):
    """x₁'s node runs from orange (left, negative) to blue (right); x₂'s from orange at
    the bottom to blue at the top, as TF Playground draws its inputs; both left of
    the first hidden layer. (The features left off are input nodes too, faded.)"""
    sides = page.evaluate("""() => [...document.querySelectorAll('canvas.nnp-input:not(.nnp-off)')]
      .filter((c) => c.style.display === 'block').map((c) => {
        const ctx = c.getContext('2d'), n = c.width, m = Math.floor(n / 2);
        const px = (x, y) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
        return { left: px(0, m), right: px(n - 1, m), top: px(m, 0), bottom: px(m, n - 1),
                 x: c.getBoundingClientRect().x };
      })""")
    orange = lambda rgb: rgb[0] > rgb[2] + 60
    blue = lambda rgb: rgb[2] > rgb[0] + 60
    assert len(sides) == 2
    x1, x2 = sides
    assert orange(x1["left"]) and blue(x1["right"]), x1
    assert orange(x2["bottom"]) and blue(x2["top"]), x2
    hidden = page.locator("canvas.nnp-unit:not(.nnp-input)").first.bounding_box()["x"]
    assert x1["x"] < hidden and x2["x"] < hidden


def test_choosing_a_dataset_in_the_sidebar_applies_it(page):
    points = "JSON.stringify(document.querySelector('.nnp-points').data)"
    before = page.evaluate(points)
    page.locator(".st-key-dataset input").click()
    page.get_by_role("option", name="Circles").click()
    page.get_by_text("dataset, noise changed").wait_for()     # circles' crisp noise
    wait_idle(page)
    assert page.locator(".st-key-dataset input").input_value() == "Circles"
    assert slider_text(page, "noise") == f"{NOISE['circles']:.2f}"
    page.wait_for_function(f"old => {points} !== old", arg=before)
    assert page.locator(".nnp-epoch").text_content() == "Epoch 0"


def test_play_moves_the_counter_and_the_surface_and_pause_stops_them(page, tmp_path):
    shown, pictures, last_loss_epoch = epoch(page), painted(page), loss_epoch(page)
    numbers = page.locator(".nnp-numbers").first.text_content()
    press(page, "play", "Play")
    page.wait_for_function(f"n => ({READ_PAGE})().painted >= n", arg=pictures + 10)
    wait_for_epoch_change(page, shown)
    page.wait_for_function("n => +document.querySelector('.nnp-loss-lines').dataset.epoch > n",
                           arg=last_loss_epoch)
    assert page.locator(".nnp-numbers").first.text_content() != numbers      # the loss shown moves
    screenshot(page, tmp_path / "playing.png")

    page.evaluate(WATCH_PAUSE)
    press(page, "pause", "Pause")
    wait_paused(page)
    paused = epoch(page)
    page.wait_for_timeout(1000)                   # not a wait: 1 s watched for a late move
    late = page.evaluate("window.__epochChanges.map(t => t - window.__pausedAt)")
    assert not late or late[-1] < 1000, f"the counter still moved {late[-1]:.0f} ms after Pause"
    assert epoch(page) == paused

    press(page, "play", "Play")                   # and playing again moves it again
    assert wait_for_epoch_change(page, paused) > paused


def test_step_adds_exactly_one_epoch_and_reset_returns_to_0(page):
    press(page, "step", "Step")
    assert wait_for_epoch_change(page, 0) == 1
    press(page, "play", "Play")
    page.wait_for_function("() => Number(document.querySelector('.nnp-epoch').dataset.epoch) > 5")
    press(page, "pause", "Pause")
    wait_paused(page)
    paused = epoch(page)
    assert paused > 1
    press(page, "step", "Step")
    assert wait_for_epoch_change(page, paused) == paused + 1, "Step did not add exactly 1"
    wait_idle(page)
    page.wait_for_timeout(300)                    # not a wait: watched for a second epoch
    assert epoch(page) == paused + 1

    press(page, "reset", "Reset")
    page.wait_for_function("() => { const e = document.querySelector('.nnp-epoch');"
                           " return e && e.textContent === 'Epoch 0'; }")
    wait_idle(page)
    assert epoch(page) == 0
    assert page.get_by_text("Reset: the same starting weights").count() == 1
