"""The panels past every anchor, in a real browser, used as a learner would: the PyTorch
export, the 3-D view, Why is it stuck? and the learning-rate finder.

Server and Chromium come from tests/conftest.py; the page helpers from test_e2e_teach.py.
"""
import json
import re
import subprocess
import sys

import numpy as np
from playwright.sync_api import expect
from playground.teach.lessons import DYING_RELU_DEAD, LESSONS
from tests.support import (LIVE, download, epoch, open_app, open_panel, play_button, press, query,
                           slider_text, train, wait_epoch, wait_idle)


CHART = "document.querySelector('.stPlotlyChart .js-plotly-plot')"


def wait_chart(page):
    """Until the panel's Plotly chart is drawn (Streamlit mounts it after the script ends)."""
    page.wait_for_function(f"() => {{ const gd = {CHART}; return gd && gd._fullLayout; }}")


def chart_title(page):
    return page.evaluate(f"() => {CHART}.layout.title.text")


def titled_epoch(page):
    """The epoch in the chart's title (Streamlit's theme wraps titles in <b>)."""
    return int(re.search(r"epoch ([\d,]+)", chart_title(page)).group(1).replace(",", ""))


# -- Export as PyTorch ------------------------------------------------------------------
def test_the_pytorch_script_ends_at_the_weights_the_app_shows(page, app_url, tmp_path):
    open_app(page, app_url + "?samples=100&batch_size=10&optimizer=momentum&lr=0.03")
    train(page)
    open_panel(page, "Export")
    page.get_by_text("Preview the PyTorch script").click()
    expect(page.locator("[data-testid=stCode]", has_text="nn.Sequential(")).to_be_visible()
    script = download(page, "PyTorch script", tmp_path)
    weights = json.loads(download(page, "Weights (JSON)", tmp_path).read_text())
    ran = subprocess.run([sys.executable, str(script), "--json"], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    mine = json.loads(ran.stdout.strip().splitlines()[-1])
    flat = lambda layers: np.concatenate([np.ravel(l[k]) for l in layers for k in ("W", "b")])
    app, torch = flat(weights["layers"]), flat(mine["weights"])
    assert weights["epoch"] > 0
    worst = np.max(np.abs(app - torch)) / np.max(np.abs(app))
    print(f"\nPyTorch script after {weights['epoch']} epochs: worst difference {worst:.2g}")
    assert worst < 1e-4


# -- 3-D view ----------------------------------------------------------------------------
def test_the_3d_view_turns_and_is_not_redrawn_while_playing(page, app_url):
    open_app(page, app_url)
    train(page)
    open_panel(page, "3-D view")
    page.locator(".stPlotlyChart .gl-container canvas").first.wait_for(state="attached")
    wait_chart(page)
    paused_at = titled_epoch(page)
    assert paused_at > 0
    wait_epoch(page, paused_at)                      # the live view shows the same epoch
    types = page.evaluate(f"() => {CHART}.data.map(t => t.type)")
    assert types[0] == "surface" and set(types[1:]) == {"scatter3d"}
    heights = page.evaluate(f"() => {CHART}._fullData.slice(1).map(t => [...new Set(Array.from(t.z))])")
    assert sorted({h for zs in heights for h in zs}) == [0, 1]     # points at their labels

    eye = f"() => JSON.stringify({CHART}._fullLayout.scene._scene.getCamera().eye)"
    before = page.evaluate(eye)
    chart = page.locator(".stPlotlyChart").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 150, y + 40, steps=10)
    page.mouse.up()
    assert page.evaluate(eye) != before, "dragging should turn the surface"

    press(page, "play", "Play")
    expect(play_button(page)).to_be_disabled()
    page.wait_for_function(                          # many ticks on
        f"e => Number(({LIVE}).querySelector('.nnp-epoch').dataset.epoch) >= e", arg=paused_at + 50)
    assert titled_epoch(page) == paused_at           # not rebuilt per tick
    page.get_by_role("button", name="Update the 3-D view").click()
    page.wait_for_function(f"e => {{ const gd = {CHART}; return gd && gd.layout.title && "
                           "!gd.layout.title.text.includes('epoch ' + e + '<'); }", arg=f"{paused_at:,}")
    assert titled_epoch(page) > paused_at
    wait_idle(page)
    press(page, "pause", "Pause")
    expect(play_button(page)).to_be_enabled()
    wait_idle(page)
    page.wait_for_function(f"e => {{ const gd = {CHART}; return gd && gd.layout.title && "
                           "gd.layout.title.text.includes('epoch ' + e + '<'); }", arg=f"{epoch(page):,}")


# -- Why is it stuck? ----------------------------------------------------------------------
def test_why_is_it_stuck_counts_the_dying_relu_lessons_dead_units(page, app_url):
    open_app(page, app_url + "?lesson=dying-relu")
    press(page, "play", "Play")                     # 500 epochs, then it stops by itself
    wait_epoch(page, LESSONS["dying-relu"].config.epochs)
    expect(play_button(page)).to_be_disabled()      # done: nothing left to play
    wait_idle(page)
    open_panel(page, "Why is it stuck?")
    alert = page.locator("[data-testid=stAlert]", has_text="ReLU units in layer 1 are dead")
    expect(alert).to_contain_text(f"{DYING_RELU_DEAD} of 16 ReLU units in layer 1 are dead")
    expect(alert).to_contain_text("try leaky ReLU or a lower learning rate")
    expect(page.locator("[data-testid=stDataFrame] [role=gridcell]",
                        has_text=f"{DYING_RELU_DEAD} of 16")).to_have_count(1)
    # finished: Play and Step are disabled, so the footer does not ask for them
    expect(page.get_by_text(re.compile(r"^Epoch 500\. The run is finished"))).to_be_visible()
    page.wait_for_function("() => document.querySelectorAll('.stPlotlyChart .js-plotly-plot').length == 2")
    types = page.evaluate("""() => [...document.querySelectorAll('.stPlotlyChart .js-plotly-plot')]
        .map(gd => [gd.data[0].type, gd._fullLayout.yaxis.type])""")
    assert types == [["histogram", "linear"], ["scatter", "log"]]


def test_why_is_it_stuck_keeps_its_moment_while_playing_until_updated(page, app_url):
    """While training plays the panel is neither rebuilt nor its charts mounted again
    (that cost the live view a third of its epochs); Update and Pause bring it to now."""
    open_app(page, app_url)
    open_panel(page, "Why is it stuck?")
    caption = page.get_by_text(re.compile(r"^Epoch [\d,]+\. "))
    expect(caption).to_contain_text("Epoch 0.")
    page.wait_for_function("() => document.querySelectorAll('.stPlotlyChart .js-plotly-plot').length == 2")
    page.evaluate("() => document.querySelectorAll('.stPlotlyChart .js-plotly-plot')"
                  ".forEach(gd => { gd.dataset.seen = '1'; })")
    press(page, "play", "Play")
    page.wait_for_function(f"() => Number(({LIVE}).querySelector('.nnp-epoch').dataset.epoch) > 0")
    page.wait_for_timeout(3000)      # not a wait: 3 s watched, as the old panel redrew every 2 s
    expect(caption).to_contain_text("Epoch 0.")
    expect(page.get_by_text(re.compile(r"^Training is playing: shown is epoch 0,"))).to_be_visible()
    assert page.evaluate("() => [...document.querySelectorAll('.stPlotlyChart .js-plotly-plot')]"
                         ".map(gd => gd.dataset.seen)") == ["1", "1"], "charts mounted again"
    press(page, "diag_update", "Update the diagnosis")
    expect(caption).not_to_contain_text("Epoch 0.")
    wait_idle(page)
    press(page, "pause", "Pause")
    expect(caption).to_contain_text("Press Play or Step")
    wait_idle(page)
    expect(caption).to_contain_text(f"Epoch {epoch(page):,}.")


# -- Learning-rate finder ----------------------------------------------------------------
def test_the_finder_sweeps_a_copy_and_use_this_sets_the_rate(page, app_url):
    open_app(page, app_url)
    train(page)
    open_panel(page, "Learning rate finder")
    page.get_by_role("button", name="Find a learning rate").click()
    use = page.locator(".st-key-lrfind_use").get_by_role("button")
    expect(use).to_have_text(re.compile(r"Use this: [\d.e-]+"))
    wait_idle(page)
    wait_chart(page)
    assert page.evaluate(f"() => {CHART}.layout.xaxis.type") == "log"
    names = page.evaluate(f"() => {CHART}.data.map(t => t.name)")
    assert "steepest descent" in names
    swept = page.get_by_text(re.compile(r"^Swept from epoch [\d,]+ ")).text_content()
    at = int(re.search(r"epoch ([\d,]+)", swept).group(1).replace(",", ""))
    assert at > 0
    wait_epoch(page, at)          # the live view ends its last frames at the same epoch

    rate = use.text_content().split(": ")[1].strip()
    use.click()
    page.get_by_text("lr changed: training continues from the current weights").wait_for()
    wait_idle(page)
    assert float(slider_text(page, "lr")) == float(rate)
    page.wait_for_function("r => Number(new URLSearchParams(location.search).get('lr')) === r",
                           arg=float(rate))
    assert epoch(page) == at and float(query(page)["lr"]) == float(rate)
