"""What the tests of every kind share: where things are, central differences, and the
browser tests' ways of waiting for and pressing things in the page."""
import os
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "streamlit_app.py"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
# How long a browser test waits for the state it needs (ms): a rerun on a 2-core machine
# running the suite beside 3 busy processes can take tens of seconds.
PATIENCE = 90_000
# Records when the epoch counter changes (__epochChanges) and when Pause was clicked
# (__pausedAt), both in the page's performance.now() milliseconds.
WATCH_PAUSE = """() => {
  window.__epochChanges = [];
  new MutationObserver(() => window.__epochChanges.push(performance.now()))
    .observe(document.querySelector('.nnp-epoch'),
             { childList: true, characterData: true, subtree: true });
  document.addEventListener('click', (ev) => {
    if (ev.target.closest('.st-key-pause')) window.__pausedAt = performance.now();
  }, true);
}"""
SURFACE = ".nnp-surface canvas"        # the decision surface, painted by the page
LIVE = "document.querySelector('.nnp-live')"      # there is one (tests/browser/test_one_view.py)


def require(program, package, needed_by):
    """Skip when `program` is missing, except in CI (CI=true), where that fails: a test
    that skips silently there would prove nothing."""
    if Path(program).exists():
        return
    reason = f"{program} is missing (apt-get install {package}); {needed_by}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def numeric_gradient(objective, arrays, h=1e-6):
    """d objective() / d every entry of `arrays`, by central differences, perturbing each
    entry in place and putting it back exactly."""
    grads = []
    for p in arrays:
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            saved = p[i]
            p[i] = saved + h
            up = objective()
            p[i] = saved - h
            down = objective()
            p[i] = saved
            g[i] = (up - down) / (2 * h)
        grads.append(g)
    return grads


def live_element(at):
    """The live view's element in an AppTest run (the page has other components too)."""
    (view,) = [v for v in at.get("bidi_component") if v.proto.component_name == "nnp_live"]
    return view


def wait_idle(page):
    """Until Streamlit has finished running the script."""
    page.wait_for_selector(IDLE)


def press(page, key, label):
    """Click the button with this key. Streamlit renders a hidden copy of each button; the
    role query finds the visible one."""
    page.locator(f".st-key-{key}").get_by_role("button", name=label).click()


def poll(page, condition, what, patience=PATIENCE):
    """Until condition() is true, checked every 50 ms while Playwright handles the page's
    events; fails after `patience` ms, naming `what` it waited for."""
    deadline = time.monotonic() + patience / 1000
    while not condition():
        assert time.monotonic() < deadline, f"waited {patience / 1000:.0f} s for {what}"
        page.wait_for_timeout(50)


def rerun_request(message):
    """The page's rerun request (a BackMsg with `rerun_script`) in a websocket message from
    the page, or None (for a websocket route between the page and the server)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    if not isinstance(message, bytes):
        return None
    msg = BackMsg()
    msg.ParseFromString(message)
    return msg if msg.WhichOneof("type") == "rerun_script" else None


def open_app(page, url):
    """Navigate and wait until the live view is drawn and the script has finished."""
    page.goto(url)
    page.wait_for_selector(SURFACE)
    page.wait_for_selector(".nnp-points.js-plotly-plot")
    wait_idle(page)


def draw_problem(draw, st):
    """Hypothesis: a problem type with the settings that must fit it, drawn together:
    {problem, classes, dataset, loss}, every combination `config.problems` accepts."""
    from playground.data.datasets import DATASETS, MULTICLASS, REGRESSION
    from playground.outputs import MAX_CLASSES, OUTPUTS, PROBLEMS, output_kind
    problem = draw(st.sampled_from(PROBLEMS))
    classes = 2 if problem == "regression" else draw(st.integers(2, MAX_CLASSES))
    if problem == "regression":
        datasets = REGRESSION
    elif classes > 2:
        datasets = MULTICLASS
    else:
        datasets = [name for name in DATASETS if name not in REGRESSION]
    loss = draw(st.sampled_from(OUTPUTS[output_kind(problem, classes)].losses))
    return dict(problem=problem, classes=classes, dataset=draw(st.sampled_from(datasets)),
                loss=loss)


def random_targets(rng, n, output, units):
    """Targets shaped as the output layer's: labels 0/1 (n, 1) for a sigmoid, one-hot rows
    (n, units) for softmax, real values (n, 1) for a linear unit."""
    from playground.outputs import targets
    if output == "linear":
        return rng.normal(0, 1, (n, 1))
    classes = 2 if output == "sigmoid" else units
    return targets(rng.integers(0, classes, n), output, units)


def play_button(page):
    return page.locator(".st-key-play").get_by_role("button", name="Play")


def train(page, epochs=50):
    """Play until the live view shows at least `epochs` epochs (however long a busy
    machine takes), then Pause, and wait until the server has paused."""
    press(page, "play", "Play")
    expect(play_button(page)).to_be_disabled()
    page.wait_for_function(
        f"n => {{ const v = {LIVE}; return v && Number(v.querySelector('.nnp-epoch')"
        ".dataset.epoch || 0) >= n; }", arg=epochs)
    press(page, "pause", "Pause")
    expect(play_button(page)).to_be_enabled()
    wait_idle(page)


def open_panel(page, name):
    page.locator(".st-key-panel").get_by_role("radio", name=name).click()
    expect(page.locator(".st-key-panel").get_by_role("radio", name=name)).to_be_checked()
    wait_idle(page)


def epoch(page):
    return int(page.evaluate(f"() => ({LIVE}).querySelector('.nnp-epoch').dataset.epoch") or 0)


def wait_epoch(page, value):
    page.wait_for_function(
        f"e => {{ const v = {LIVE}; return v && v.querySelector('.nnp-epoch').dataset.epoch === e; }}",
        arg=str(value))


def slider_text(page, key):
    """What a sidebar slider (or select_slider) shows, e.g. "0.03"."""
    return page.locator(f".st-key-{key} input[type=range]").get_attribute("aria-valuetext")


def selectbox_text(page, key):
    return page.locator(f".st-key-{key} input").input_value()


def query(page):
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def download(page, label, tmp_path):
    """Click a download button once and save the file it gives."""
    button = page.get_by_role("button", name=label)
    expect(button).to_be_enabled()
    with page.expect_download() as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path
