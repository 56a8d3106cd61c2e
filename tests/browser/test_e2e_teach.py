"""The "teach" panels in a real browser, each used as a learner would: Replay, Compare
runs, share links, Export, The math, Your data and Lessons.

The server and Chromium come from tests/conftest.py (`app_url`, `browser`); without
/usr/bin/chromium these tests skip, except in CI, where they fail. Each test opens its
own browser context, so its own Streamlit session at epoch 0. `pytest -s` shows the
numbers measured on the way (the replay's payload, the time to the first surface).
"""
import csv
import json
import re
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from playground.data.userdata import MAX_FILE_MB
from ui.panels.your_data import UPLOAD_BOX_MB
from tests.support import (download, epoch, LIVE, open_app, open_panel, play_button, press,
                           poll, query, selectbox_text, slider_text, train, wait_epoch, wait_idle)

SURFACE_DRAWN = '.nnp-surface canvas[width="100"]'
REPLAY = ".stPlotlyChart .js-plotly-plot"
REPLAY_GD = f"document.querySelector('{REPLAY}')"
LOSS_LINE = re.compile(r"^Epoch (\d+), Loss: (\S+)$", re.M)


def sidebar_keys(page):
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid=stSidebar] [class*="st-key-"]')]
        .map(e => [...e.classList].find(c => c.startsWith('st-key-')).slice(7))""")


# -- Replay ----------------------------------------------------------------------------
def test_replay_plays_in_the_browser_without_asking_the_server(page, app_url, record_property):
    received, sent = [], []

    def watch(ws):
        ws.on("framereceived", lambda payload: received.append(payload))
        ws.on("framesent", lambda payload: sent.append(payload))

    page.on("websocket", watch)
    open_app(page, app_url)
    train(page)
    assert epoch(page) > 0

    marker = "▶ Replay".encode()
    replays = lambda: [p for p in received[before:]
                       if marker in (p if isinstance(p, bytes) else p.encode())]
    before = len(received)
    open_panel(page, "Replay")
    page.wait_for_selector(REPLAY)
    wait_idle(page)
    # DevTools reports a frame on its own schedule, maybe after the page has drawn it
    poll(page, replays, "the replay figure's websocket message")
    replay_msgs = replays()
    assert len(replay_msgs) == 1, "the replay figure should arrive in one message"
    payload_bytes = len(replay_msgs[0])
    frames = page.evaluate(f"{REPLAY_GD}._transitionData._frames.length")
    caption = page.get_by_text(re.compile(r"^\d+ snapshots")).text_content()
    assert caption.startswith(f"{frames} snapshots")
    assert 5 <= frames <= 80
    assert page.evaluate(f"{REPLAY_GD}.layout.sliders[0].steps.length") == frames
    print(f"\nreplay payload: {payload_bytes:,} bytes for {frames} frames "
          f"({payload_bytes // frames:,} bytes a frame)")
    record_property("replay_payload_bytes", payload_bytes)
    record_property("replay_frames", frames)

    assert page.evaluate(f"{REPLAY_GD}.layout.sliders[0].active") == 0
    sent_before = len(sent)
    page.evaluate(RECORD_REPLAY)
    page.locator(REPLAY).locator(".updatemenu-button", has_text="Replay").click()
    page.wait_for_function("() => window.__replay.steps.at(-1)[0] >= 3 "
                           "&& window.__replay.pictures.size > 3")
    samples = page.evaluate("() => { window.__replay.stop = true; return window.__replay.steps; }")
    assert len(sent) == sent_before, f"playback sent {len(sent) - sent_before} messages"
    active = [a for a, _ in samples]
    assert active == sorted(active), f"slider steps {active}"
    assert all(size > 1000 for _, size in samples), "the heatmap went blank during playback"


# Samples the replay on every animation frame: its slider's step and the heatmap's size
# (0 when it is not a data:image), and the distinct pictures shown.
RECORD_REPLAY = f"""() => {{
  const gd = {REPLAY_GD}, r = window.__replay = {{ steps: [], pictures: new Set() }};
  const look = () => {{
    const img = gd.querySelector('.heatmaplayer image');
    const href = img ? img.getAttribute('href') || '' : '';
    r.steps.push([gd.layout.sliders[0].active, href.startsWith('data:image') ? href.length : 0]);
    if (href) r.pictures.add(href);
    if (!r.stop) requestAnimationFrame(look);
  }};
  look();
}}"""


# -- Compare runs ------------------------------------------------------------------------
def test_compare_runs_shows_a_pinned_run_beside_the_current_one(page, app_url):
    """Pin, change one thing, train again: the second run starts from the first's start."""
    open_app(page, app_url)
    train(page)
    open_panel(page, "Compare runs")
    page.get_by_text("Pin this run: it is kept here").wait_for()
    press(page, "pin", "Pin and start again")
    page.locator("[data-testid=stDataFrame]").wait_for()
    page.get_by_text("starts again from the same initial weights at epoch 0").wait_for()
    wait_idle(page)
    wait_epoch(page, 0)

    assert slider_text(page, "lr") == "0.1"
    page.locator(".st-key-lr input[type=range]").focus()
    page.keyboard.press("ArrowLeft")                  # 0.1 -> 0.03
    expect(page.locator(".st-key-lr [data-testid=stSliderThumbValue]")).to_have_text("0.03")
    wait_idle(page)
    assert page.get_by_text("training continues").count() == 0
    train(page)

    traces = page.evaluate("""() => [...document.querySelectorAll('.stPlotlyChart .js-plotly-plot')]
        .map(gd => gd.data.map(t => [t.type, t.name || '']))""")
    loss, surfaces = traces
    names = [name for _, name in loss]
    assert {"#1 · train", "now · train"} <= set(names), names
    assert [t for t, _ in surfaces].count("heatmap") == 2
    boxes = page.locator(".stPlotlyChart").nth(1).locator(".heatmaplayer image")
    expect(boxes).to_have_count(2)
    left, right = (boxes.nth(k).bounding_box() for k in range(2))
    assert left["x"] + left["width"] <= right["x"], "the surfaces should be side by side"

    table = page.locator("[data-testid=stDataFrame]")
    headers = table.locator("[role=columnheader]").all_text_contents()
    assert headers[:2] == ["run", "lr"], headers
    rows = [row.locator("[role=gridcell]").all_text_contents()
            for row in table.locator("tbody [role=row]").all()]
    assert [r[:2] for r in rows] == [["#1", "0.1"], ["now", "0.03"]], rows
    assert int(rows[0][headers.index("epochs")]) > 0 and int(rows[1][headers.index("epochs")]) > 0


# -- Share by link -------------------------------------------------------------------------
def test_a_link_sets_up_the_app_and_the_address_bar_follows(page, app_url):
    started = time.perf_counter()
    page.goto(app_url + "?dataset=circles&hidden=3&lr=0.03&seed=7")
    # The page's own clock: performance.now() counts from the navigation's start.
    drawn_ms = page.wait_for_function(
        f"() => document.querySelector('{SURFACE_DRAWN}') && performance.now()",
        polling="raf").json_value()
    wall = time.perf_counter() - started
    print(f"\nlink to first drawn surface: {drawn_ms / 1000:.2f} s in the page "
          f"({wall:.2f} s from page.goto)")
    wait_idle(page)

    assert selectbox_text(page, "dataset") == "Circles"
    expect(page.locator("[data-testid=stSidebar]").get_by_text("1 hidden layer", exact=True)).to_be_visible()
    assert slider_text(page, "units_1") == "3"
    assert page.locator(".st-key-units_2").count() == 0
    assert slider_text(page, "lr") == "0.03"
    expect(page.locator(".st-key-seed input")).to_have_value("7")
    page.wait_for_function("() => location.search.includes('samples=')")   # the whole setup
    assert {k: query(page)[k] for k in ("dataset", "hidden", "lr", "seed")} == \
        {"dataset": "circles", "hidden": "3", "lr": "0.03", "seed": "7"}

    page.get_by_role("button", name="Regenerate").click()        # the seed goes up by one
    page.wait_for_function("() => new URLSearchParams(location.search).get('seed') === '8'")
    expect(page.locator(".st-key-seed input")).to_have_value("8")
    assert query(page)["dataset"] == "circles"


def test_a_link_with_bad_values_warns_once_and_uses_defaults(page, app_url):
    open_app(page, app_url + "?lr=abc&samples=999999&color=<b>x</b>")
    alerts = page.locator("[data-testid=stAlert]")
    expect(alerts).to_have_count(1)
    text = alerts.inner_text()
    for key in ("lr", "samples", "color"):
        assert re.search(rf"\b{key}\b", text), f"{key} is not named in: {text}"
    assert alerts.locator("b").count() == 0
    assert page.locator("[data-testid=stApp] b", has_text=re.compile(r"^x$")).count() == 0
    assert "<b>" not in alerts.inner_html()
    assert slider_text(page, "lr") == "0.1"
    assert slider_text(page, "samples") == "500"
    assert "color" not in query(page)


def test_a_classroom_link_shows_only_the_chosen_controls(page, app_url):
    open_app(page, app_url + "?show=lr,play")
    expect(play_button(page)).to_be_visible()
    expect(page.locator(".st-key-lr input[type=range]")).to_be_attached()
    assert sidebar_keys(page) == ["lr"]
    for key in ("dataset", "pause", "step", "reset", "speed", "panel"):
        assert page.locator(f".st-key-{key}").count() == 0, f"{key} is shown"
    assert page.get_by_role("radio", name="Replay").count() == 0
    assert set(query(page)["show"].split(",")) == {"lr", "play"}   # in either order


# -- Export ----------------------------------------------------------------------------------
def test_the_exported_script_prints_the_apps_losses(page, app_url, tmp_path):
    open_app(page, app_url + "?epochs=600")
    press(page, "play", "Play")                              # it stops by itself at 600
    wait_epoch(page, 600)
    expect(play_button(page)).to_be_disabled()
    wait_idle(page)
    open_panel(page, "Export")

    script = download(page, "Python script", tmp_path)
    assert script.name == "train_network.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = {int(e): float(loss) for e, loss in LOSS_LINE.findall(done.stdout)}
    assert sorted(printed) == list(range(0, 600, 100)), done.stdout[:500]

    history = list(csv.DictReader(download(page, "History (CSV)", tmp_path).open()))
    # A row is the loss before that epoch's update, as the script prints it: 0 to 599.
    assert [int(r["epoch"]) for r in history] == list(range(600))
    app = {int(r["epoch"]): float(r["train_loss"]) for r in history}
    for e, loss in printed.items():
        assert loss == pytest.approx(app[e], rel=1e-5), f"epoch {e}"

    weights = json.loads(download(page, "Weights (JSON)", tmp_path).read_text())
    assert weights["epoch"] == 600
    layers = weights["layers"]
    assert [layer["name"] for layer in layers] == ["hidden 1", "hidden 2", "output"]
    shapes = [(len(layer["W"]), len(layer["W"][0]), len(layer["b"])) for layer in layers]
    assert shapes == [(2, 8, 8), (8, 8, 8), (8, 1, 1)]

    points = list(csv.DictReader(download(page, "Dataset (CSV)", tmp_path).open()))
    assert len(points) == 500
    assert {r["label"] for r in points} == {"0", "1"}
    assert {r["split"] for r in points} == {"train", "test"}
    float(points[0]["x1"]), float(points[0]["x2"])

    html = download(page, "Charts (HTML)", tmp_path).read_text()
    assert len(html) > 100_000 and "plotly" in html.lower()
    assert html.lstrip().lower().startswith("<!doctype html>")


# -- The math --------------------------------------------------------------------------------
def test_the_math_renders_equations_and_follows_a_point(page, app_url):
    open_app(page, app_url)
    press(page, "step", "Step")
    wait_epoch(page, 1)
    wait_idle(page)
    open_panel(page, "The math")
    expect(page.locator(".katex").first).to_be_visible()
    assert page.locator(".katex").count() >= 4

    walk = """() => [...document.querySelectorAll('[data-testid=stMain] .katex-mathml annotation')]
        .map(a => a.textContent).join('\\n')"""
    before = page.evaluate(walk)
    field = page.locator(".st-key-math_point input")
    assert field.input_value() == "0"
    field.fill("7")
    field.press("Enter")
    page.wait_for_function(f"old => ({walk})() !== old", arg=before)
    wait_idle(page)
    after = page.evaluate(walk)
    numbers = lambda text: re.findall(r"-?\d+\.\d+", text)
    assert numbers(after) != numbers(before)
    assert field.input_value() == "7"


# -- Your data -------------------------------------------------------------------------------
def points_file(rows):
    return "x1,x2,label\n" + "".join(f"{x1},{x2},{label}\n" for x1, x2, label in rows)


def test_your_own_points_from_a_file_and_from_clicks(page, app_url):
    open_app(page, app_url)
    train(page)
    assert epoch(page) > 0
    open_panel(page, "Your data")
    good = [(-1 + 0.05 * k, 0.5 + 0.02 * k, 0) for k in range(20)] + \
           [(1 - 0.05 * k, -0.5 - 0.02 * k, 1) for k in range(20)]
    uploader = page.locator(".st-key-points_file input[type=file]")
    uploader.set_input_files(files=[{"name": "points.csv", "mimeType": "text/csv",
                                     "buffer": points_file(good).encode()}])
    expect(page.get_by_text("Using your 40 points.")).to_be_visible()
    wait_epoch(page, 0)
    assert page.evaluate(f"() => ({LIVE}).querySelector('.nnp-epoch').textContent") == "Epoch 0"
    wait_idle(page)

    bad = "x1,x2,label\n0.1,0.2,0\n0.3,0.4,2\n0.5,0.6,1\n0.7,0.8,0\n"   # row 3: label 2
    uploader.set_input_files(files=[{"name": "bad.csv", "mimeType": "text/csv",
                                     "buffer": bad.encode()}])
    error = page.locator("[data-testid=stAlert]", has_text="That file was not used")
    expect(error).to_be_visible()
    assert "row 3" in error.inner_text()
    expect(page.locator(".st-key-points_file")).not_to_contain_text("bad.csv")   # box emptied
    expect(page.get_by_text("Using your 40 points.")).to_be_visible()

    page.get_by_role("radio", name="Click adds blue (class 1)").click()
    page.wait_for_selector(".nnp-surface-wrap.nnp-clickable")
    wait_idle(page)
    box = page.evaluate(f"""() => {{ const p = ({LIVE}).querySelector('.nnp-points');
        p.scrollIntoView({{block: 'center'}}); const r = p.getBoundingClientRect();
        return {{x: r.x, y: r.y, width: r.width, height: r.height}}; }}""")
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.45)
    expect(page.get_by_text("Using your 41 points.")).to_be_visible()


def test_a_file_over_the_cap_is_refused_once_in_the_apps_words(page, app_url):
    open_app(page, app_url)
    open_panel(page, "Your data")
    big = points_file([(0.5, 0.5, k % 2) for k in range(120_000)])         # ~1.3 MB
    assert MAX_FILE_MB * 2**20 < len(big) < UPLOAD_BOX_MB * 2**20
    error = page.locator("[data-testid=stAlert]", has_text="That file was not used")
    for round, name in enumerate(("big.csv", "bigger.csv"), start=1):
        page.locator(".st-key-points_file input[type=file]").set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": big.encode()}])
        page.wait_for_selector(f".st-key-points_file_{round}")     # refused: a new, empty box
        wait_idle(page)
        expect(error).to_have_count(1)
        expect(error).to_contain_text(f"at most {MAX_FILE_MB} MB")
        expect(page.locator(".st-key-points_file")).not_to_contain_text(name)
        expect(page.get_by_text("or smaller")).to_have_count(0)     # no Streamlit chip
    expect(page.get_by_text("Using your")).to_have_count(0)         # the generated data stay


# -- Lessons ---------------------------------------------------------------------------------
def test_a_lesson_loads_from_its_button_and_from_a_link(page, context, app_url):
    open_app(page, app_url)
    open_panel(page, "Lessons")
    page.locator(".st-key-lesson_xor-stuck").get_by_role("button", name="Load").click()
    page.get_by_text("Lesson loaded: Stuck on XOR").wait_for()
    wait_idle(page)
    # the notice says "Press Play": the page scrolls so that Play and the view are in sight
    poll(page, lambda: page.evaluate("""() => {
        const r = document.querySelector('.st-key-play').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight; }"""), "Play in sight")
    expect(page.get_by_text("Lesson loaded: Stuck on XOR")).to_be_in_viewport()
    assert selectbox_text(page, "dataset").startswith("XOR")
    expect(page.locator("[data-testid=stSidebar]").get_by_text("1 hidden layer", exact=True)).to_be_visible()
    assert slider_text(page, "units_1") == "2"
    page.wait_for_function("() => new URLSearchParams(location.search).get('lesson') === 'xor-stuck'")

    press(page, "play", "Play")
    printout = page.locator("[data-testid=stExpander]",
                            has_text="The tutorial's printout, reproduced by this run")
    expect(printout).to_be_visible()
    printout.locator("summary").click()                  # closed at first, as the panels
    expect(printout.locator("code")).to_contain_text("Epoch 100, Loss: ")

    other = context.new_page()
    open_app(other, app_url + "?lesson=circles-three-units")
    assert selectbox_text(other, "dataset") == "Circles"
    assert slider_text(other, "units_1") == "3"
    assert other.locator(".st-key-units_2").count() == 0
    assert query(other)["lesson"] == "circles-three-units"
