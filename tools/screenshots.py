"""Take the README's screenshots: the app served by `streamlit run` on a free port, driven
in headless Chromium (Debian's, /usr/bin/chromium) through Playwright at 1400x1000.

    python tools/screenshots.py            # writes docs/*.png
    python tools/screenshots.py --out /tmp/shots --url http://127.0.0.1:8501

docs/screenshot.png is the main view after about 3 s of Play on the default network
(moons, 2-8-8-1 tanh), paused; multiclass.png and regression.png a 3-class spiral and a
regression run, and formula.png your own formula (x2 > sin(3*x1)) with its box in the
sidebar, each opened by its link and played a few seconds. Every other picture is one
panel under the live view, opened in the same session after some training, scrolled to
the top of the window and cropped to the main column. animation-frame.png is the last
frame of the animated GIF of the default network after 3,000 epochs, drawn by
playground/teach/animation.py itself (no browser). room-teacher.png the Workshop room panel of a room
just made, as its teacher sees it; wall.png is the workshop room's wall
at 1280x720 with 40 students' real runs (tools/wall_demo.py; our own server gets a room
store of its own). Each file should stay under ~400 KB.
"""
import argparse
import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.appserver import (CHROMIUM, CHROMIUM_ARGS, ROOT, free_port,  # noqa: E402
                                  start_server, stop)
VIEWPORT = {"width": 1400, "height": 1000}
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
SURFACE = ".nnp-points.js-plotly-plot"     # the live view is drawn (its points figure)
MAX_BYTES = 400_000
HEADER = 64              # Streamlit's sticky top bar covers this much of the window


# -- the server -------------------------------------------------------------------------
@contextlib.contextmanager
def app_server():
    """`streamlit run streamlit_app.py` on a free port; yields its URL once healthy."""
    port = free_port()
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        try:
            server = start_server(port, log.name)
        except RuntimeError:
            sys.exit(f"streamlit did not start:\n{Path(log.name).read_text(errors='replace')}")
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(server)


# -- driving the app ---------------------------------------------------------------------
def wait_idle(page):
    page.wait_for_selector(IDLE)


def press(page, key, label):
    page.locator(f".st-key-{key}").get_by_role("button", name=label).click()


def train(page, seconds):
    """Play for a while, then Pause, and wait for the server to have paused."""
    from playwright.sync_api import expect
    play = page.locator(".st-key-play").get_by_role("button", name="Play")
    press(page, "play", "Play")
    expect(play).to_be_disabled()
    page.wait_for_timeout(int(seconds * 1000))
    press(page, "pause", "Pause")
    expect(play).to_be_enabled()
    wait_idle(page)
    page.wait_for_timeout(500)


def open_panel(page, name):
    page.locator(".st-key-panel").get_by_role("radio", name=name).click()
    wait_idle(page)


SCROLL_PANEL_TO_TOP = """header => {
    const box = document.querySelector('.st-key-panel');
    box.scrollIntoView({block: 'start'});
    let s = box.parentElement;
    while (s && !(s.scrollHeight > s.clientHeight &&
                  /(auto|scroll)/.test(getComputedStyle(s).overflowY))) s = s.parentElement;
    (s || document.scrollingElement).scrollBy(0, -header);
}"""

# The bottom of the panel's last element that is whole in the window: the picture ends
# between two elements, never across a line of text or an equation.
PANEL_BOTTOM = """height => {
    const box = document.querySelector('.st-key-panel');
    let bottom = box.getBoundingClientRect().bottom;
    for (let e = box.nextElementSibling; e; e = e.nextElementSibling) {
        const r = e.getBoundingClientRect();
        if (r.height === 0) continue;
        if (r.top >= height) break;
        bottom = Math.max(bottom, Math.min(r.bottom, height));   // a tall one: its top part
        if (r.bottom > height) break;
    }
    return bottom;
}"""


def shoot_panel(page, path, settle_ms=800):
    """The open panel (from its selector down), scrolled to the top, main column only."""
    page.evaluate(SCROLL_PANEL_TO_TOP, HEADER)
    page.wait_for_timeout(settle_ms)
    column = page.locator("[data-testid=stMainBlockContainer]").bounding_box()
    top = page.locator(".st-key-panel").bounding_box()["y"] - 12
    bottom = min(page.evaluate(PANEL_BOTTOM, VIEWPORT["height"] - 8) + 8, VIEWPORT["height"])
    page.screenshot(path=str(path), clip={"x": column["x"], "y": top,
                                          "width": column["width"], "height": bottom - top})
    return path


def take(page, out):
    """Every screenshot, in an order that keeps each panel's state meaningful."""
    shots = []
    page.wait_for_selector(SURFACE)
    wait_idle(page)

    train(page, 3)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.mouse.move(5, 5)                                  # no tooltip over the view
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "screenshot.png"))
    shots.append(out / "screenshot.png")

    open_panel(page, "Replay")
    chart = page.locator(".stPlotlyChart .js-plotly-plot")
    chart.wait_for()
    page.evaluate(SCROLL_PANEL_TO_TOP, HEADER)
    chart.locator(".updatemenu-button", has_text="Replay").click()   # play part of it
    page.wait_for_timeout(2500)
    chart.locator(".updatemenu-button", has_text="Pause").click()
    shots.append(shoot_panel(page, out / "replay.png"))

    open_panel(page, "Compare runs")
    press(page, "pin", "Pin and start again")              # epoch 0, the same weights
    page.locator("[data-testid=stDataFrame]").wait_for()
    wait_idle(page)
    page.locator(".st-key-lr input[type=range]").focus()
    page.keyboard.press("ArrowRight")                      # 0.1 -> 0.3
    page.locator(".st-key-lr [data-testid=stSliderThumbValue]", has_text="0.3").wait_for()
    wait_idle(page)
    train(page, 2)
    page.mouse.move(5, 5)
    shots.append(shoot_panel(page, out / "compare.png"))

    open_panel(page, "The math")
    page.locator(".katex").first.wait_for()
    shots.append(shoot_panel(page, out / "math.png"))

    open_panel(page, "Share")
    page.locator("[data-testid=stCode]").first.wait_for()
    shots.append(shoot_panel(page, out / "share.png"))

    open_panel(page, "Export")
    page.get_by_text("Preview the script").wait_for()
    shots.append(shoot_panel(page, out / "export.png"))

    open_panel(page, "3-D view")
    page.locator(".stPlotlyChart .js-plotly-plot .gl-container canvas").wait_for(state="attached")
    wait_idle(page)
    shots.append(shoot_panel(page, out / "surface3d.png", settle_ms=1500))

    press(page, "reset", "Reset")                            # the finder from the start
    page.get_by_text("Reset: the same starting weights").wait_for()
    wait_idle(page)
    open_panel(page, "Learning rate finder")
    page.get_by_role("button", name="Find a learning rate").click()
    page.locator(".st-key-lrfind_use").wait_for()
    wait_idle(page)
    page.mouse.move(5, 5)
    shots.append(shoot_panel(page, out / "lrfinder.png"))

    open_panel(page, "Lessons")
    page.locator(".st-key-lesson_xor-stuck").wait_for()
    shots.append(shoot_panel(page, out / "lessons.png"))

    open_panel(page, "Your data")
    page.get_by_role("button", name="Edit a copy of the current data").click()
    page.get_by_text("Using your").wait_for()
    page.get_by_role("radio", name="Click adds blue (class 1)").click()
    page.wait_for_selector(".nnp-surface-wrap.nnp-clickable")
    wait_idle(page)
    shots.append(shoot_panel(page, out / "your-data.png"))

    page.get_by_role("radio", name="Clicking does nothing").click()
    open_panel(page, "Lessons")
    press(page, "lesson_dying-relu", "Load")
    page.get_by_text("Lesson loaded: Dying ReLU").wait_for()
    wait_idle(page)
    press(page, "play", "Play")                              # its 1,000 epochs, to the end
    from playwright.sync_api import expect
    expect(page.locator(".st-key-pause").get_by_role("button", name="Pause")).to_be_disabled()
    wait_idle(page)
    open_panel(page, "Why is it stuck?")
    page.get_by_text("ReLU units in layer 1 are dead").wait_for()
    page.mouse.move(5, 5)
    shots.append(shoot_panel(page, out / "diagnostics.png", settle_ms=1500))
    return shots


# The other problem types, each opened by its link (issue 10's app half).
PROBLEM_LINKS = {
    "multiclass.png": "?dataset=spiral&classes=3&loss=ce&hidden=16,16&lr=0.02&optimizer=adam"
                      "&noise=0.02&samples=600",
    "regression.png": "?problem=regression&dataset=multi-gaussian&loss=mse&hidden=8,8"
                      "&lr=0.03&optimizer=adam",
    "formula.png": "?dataset=formula&formula=x2+%3E+sin%283*x1%29&hidden=8,8&lr=0.03"
                   "&optimizer=adam&noise=0.02&samples=400",
}


def take_problems(page, url, out, seconds=5):
    """A 3-class spiral and a regression run, each trained a few seconds from its link."""
    shots = []
    for name, query in PROBLEM_LINKS.items():
        page.goto(url + "/" + query)
        page.wait_for_selector(SURFACE)
        wait_idle(page)
        train(page, seconds)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.mouse.move(5, 5)
        page.wait_for_timeout(500)
        page.screenshot(path=str(out / name))
        shots.append(out / name)
    return shots


def take_wall(browser, url, out, room="maths-101", students=40):
    """The wall of a room of 40 students (tools/wall_demo.py's real runs) as a 1280x720
    projector shows it."""
    from playground.room.store import open_store
    from tools.wall_demo import fill_room
    fill_room(open_store(), room, students)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{url}/?room={room}&wall=1")
    page.wait_for_function("(n) => document.querySelectorAll('.nnp-tile[data-painted]')"
                           ".length >= n", arg=students, timeout=60_000)
    page.wait_for_timeout(800)
    page.screenshot(path=str(out / "wall.png"))
    page.close()
    return out / "wall.png"


def take_teacher(browser, url, out, room="stats-202"):
    """The Workshop room panel as the teacher sees it right after creating a room with a
    challenge: the links, the QR code and the buttons that steer the room."""
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(url)
    wait_idle(page)
    open_panel(page, "Workshop room")
    page.locator(".st-key-room_name input").fill(room)
    page.locator(".st-key-room_name input").press("Enter")
    wait_idle(page)
    page.locator(".st-key-room_has_challenge label").first.click()
    wait_idle(page)
    page.locator(".st-key-room_create button").click()
    page.wait_for_selector(".st-key-room_qr img, .st-key-room_qr svg")
    wait_idle(page)
    path = shoot_panel(page, out / "room-teacher.png")
    page.context.close()
    return path


def take_animation_frame(out, epochs=3000):
    """The last frame of the default run's animated GIF, as the GIF holds it."""
    from playground import Config, TrainingSession
    from playground.teach.animation import animation
    from PIL import Image
    session = TrainingSession(Config(epochs=epochs))
    session.advance(epochs)
    gif = Image.open(io.BytesIO(animation(session, "gif")))
    gif.seek(gif.n_frames - 1)
    gif.convert("RGB").save(out / "animation-frame.png", optimize=True)
    return out / "animation-frame.png"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs",
                        help="folder for the PNG files (default: docs/)")
    parser.add_argument("--url", help="use an app already running at this URL")
    parser.add_argument("--problems-only", action="store_true",
                        help="only the 3-class, the regression and the formula pictures")
    parser.add_argument("--wall-only", action="store_true",
                        help="only the workshop room's wall and its teacher's panel")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    args.out.mkdir(parents=True, exist_ok=True)
    rooms = tempfile.TemporaryDirectory()       # our own server's rooms: a store of its own
    if not args.url:
        os.environ["NNP_STORE"] = f"sqlite:///{rooms.name}/rooms.sqlite3"
    server = contextlib.nullcontext(args.url.rstrip("/")) if args.url else app_server()
    with rooms, server as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.set_default_timeout(30_000)
            shots = [take_wall(browser, url, args.out), take_teacher(browser, url, args.out)]
            if not args.wall_only:
                page.goto(url)
                shots += [] if args.problems_only else take(page, args.out)
                shots += take_problems(page, url, args.out)
        finally:
            browser.close()
    if not (args.problems_only or args.wall_only):
        shots.append(take_animation_frame(args.out))
    too_big = []
    for path in shots:
        size = path.stat().st_size
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
              f"{size / 1000:,.0f} KB")
        if size > MAX_BYTES:
            too_big.append(path.name)
    if too_big:
        sys.exit(f"over {MAX_BYTES // 1000} KB: {', '.join(too_big)}")


if __name__ == "__main__":
    main()
