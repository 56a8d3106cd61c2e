"""The live view's page against what Plotly really draws and what a learner really does:
its canvases sit on Plotly's plot areas (measured from the SVG Plotly publishes, at two
widths), the keys play, pause, step and reset (and none is lost between other messages of
the page), and a click adds a point where it landed.
The page places its canvases by the payload's geometry (ui/live/schema.py PLANE,
DIAGRAM), never by Plotly's private state: these tests fail when the two disagree."""
from playwright.sync_api import expect
from tests.support import (LIVE, epoch, open_app, open_panel, play_button, poll, press,
                           query, wait_epoch, wait_idle)

# Every box as [left, top, width, height]; within this many px (Plotly keeps its width
# until the element's differs by more than 1 px).
SLACK = 1.0

# The plane's plot area (Plotly's drag rectangle covers it exactly) and the surface's
# box; each visible unit picture's centre and each diagram node's (the node markers:
# 30 px squares; the edges' hover markers are invisible 9 px ones).
BOXES = f"""() => {{
  const live = {LIVE};
  const box = (e) => {{ const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }};
  const centre = (b) => [b[0] + b[2] / 2, b[1] + b[3] / 2];
  const drag = live.querySelector('.nnp-points .nsewdrag');
  return {{
    plot: drag && box(drag),
    surface: box(live.querySelector('.nnp-surface')),
    nodes: [...live.querySelectorAll('.nnp-diagram .scatterlayer path.point')]
      .map(box).filter((b) => b[2] > 20).map(centre),
    pictures: [...live.querySelectorAll('canvas.nnp-unit')]
      .filter((c) => c.style.display === 'block').map(box).map(centre),
  }};
}}"""


def close(a, b):
    return all(abs(u - v) <= SLACK for u, v in zip(a, b))


def placed(page):
    """Whether the surface and every unit picture sit on Plotly's plot area and nodes."""
    b = page.evaluate(BOXES)
    on_nodes = all(any(close(p, n) for n in b["nodes"]) for p in b["pictures"])
    return (b["plot"] is not None and close(b["surface"], b["plot"])
            and len(b["pictures"]) == len(b["nodes"]) > 0 and on_nodes), b


def wait_placed(page, seconds=20):
    deadline = page.evaluate("performance.now()") + seconds * 1000
    while True:
        ok, boxes = placed(page)
        if ok:
            return
        assert page.evaluate("performance.now()") < deadline, f"not on Plotly's areas: {boxes}"
        page.wait_for_timeout(100)


def test_the_canvases_sit_on_plotlys_plot_areas_at_any_width(page, app_url):
    open_app(page, app_url)
    page.wait_for_selector(".nnp-diagram .main-svg")
    wait_placed(page)                               # three columns
    page.set_viewport_size({"width": 900, "height": 1000})
    wait_placed(page)                               # one column (the page's narrow layout)


def test_space_plays_and_pauses_s_steps_and_r_resets(page, app_url):
    open_app(page, app_url + "?epochs=10000000")
    page.keyboard.press(" ")
    expect(play_button(page)).to_be_disabled()          # playing
    page.wait_for_function(f"() => Number(({LIVE}).querySelector('.nnp-epoch').dataset.epoch) > 300")
    page.keyboard.press(" ")
    expect(play_button(page)).to_be_enabled()           # paused
    wait_idle(page)
    paused = epoch(page)
    page.wait_for_timeout(500)
    assert epoch(page) == paused, "Space did not stop the run"
    page.keyboard.press("s")
    wait_epoch(page, paused + 1)
    wait_idle(page)
    page.keyboard.press("r")
    wait_epoch(page, 0)
    expect(page.get_by_text("Reset: the same starting weights, epoch 0.")).to_be_visible()


# Three messages of the page, each from its own task a few ms apart: Regenerate (a full
# run that draws 5,000 new points and builds a new six-layer network: the server is busy
# for a while), then Space (Play), then a layer removed on the diagram.
THREE_MESSAGES = """() => {
  document.querySelector('[data-testid=stSidebar] .stButton button').click();
  setTimeout(() => window.dispatchEvent(new KeyboardEvent('keydown', { key: ' ' })), 5);
  setTimeout(() => document.querySelector('.nnp-edit-button[data-change=remove_layer]').click(), 10);
}"""


# The epoch on screen, or -1 while there is no live view: on a busy machine Streamlit now
# and then mounts the view afresh on a new element after Regenerate (about one round in
# 40), and for that moment there is none (this test is about the key, not that moment).
EPOCH_IF_SHOWN = f"() => {{ const v = {LIVE}; return v ? Number(v.querySelector('.nnp-epoch').dataset.epoch) : -1; }}"


def test_a_key_pressed_while_the_server_is_busy_is_not_lost(page, app_url):
    """Of two trigger messages waiting while the script runs, Streamlit's server keeps only
    the newer: Space's Play, followed by a diagram edit, was lost (the page now sends one
    message at a time, each once the server has said it heard the one before). Three
    rounds: the old page lost Play in about one round of three."""
    open_app(page, app_url + "?epochs=10000000&samples=5000&hidden=8,8,8,8,8,8")
    page.wait_for_selector(".nnp-diagram .main-svg")
    expect(page.locator("[data-testid=stSidebar] .stButton button").first).to_have_text("Regenerate")
    for layers in (5, 4, 3):
        seed = query(page)["seed"]
        page.evaluate(THREE_MESSAGES)
        poll(page, lambda: query(page).get("seed") != seed, "the new data's seed in the link")
        poll(page, lambda: query(page).get("hidden") == ",".join(["8"] * layers),
             f"the layer removed ({layers} left)")
        expect(play_button(page)).to_be_disabled()          # playing
        poll(page, lambda: page.evaluate(EPOCH_IF_SHOWN) > 0, "the run to play")
        press(page, "pause", "Pause")
        expect(play_button(page)).to_be_enabled()
        wait_idle(page)


# The points figure's points as "x,y" strings (its arrays may come as Plotly's typed-array
# JSON: base64 of the raw numbers); its axes' range, from the layout we set.
POINTS = f"""() => {{
  const gd = ({LIVE}).querySelector('.nnp-points');
  const TYPES = {{ f8: Float64Array, f4: Float32Array, i4: Int32Array, u1: Uint8Array }};
  const values = (a) => (a && a.bdata
    ? new TYPES[a.dtype](Uint8Array.from(atob(a.bdata), (c) => c.charCodeAt(0)).buffer) : a);
  return gd.data.flatMap((t) => {{ const x = values(t.x), y = values(t.y);
    return Array.from(x, (v, i) => `${{v}},${{y[i]}}`); }});
}}"""
RANGE = f"() => ({LIVE}).querySelector('.nnp-points').layout.xaxis.range"


def test_a_click_on_the_plane_adds_a_point_where_it_landed(page, app_url):
    open_app(page, app_url)
    open_panel(page, "Your data")
    page.get_by_role("radio", name="Click adds blue (class 1)").click()
    page.wait_for_selector(".nnp-surface-wrap.nnp-clickable")
    wait_idle(page)
    before = set(page.evaluate(POINTS))
    page.evaluate(f"() => ({LIVE}).scrollIntoView({{block: 'center'}})")
    plot = page.evaluate(BOXES)["plot"]
    lo, hi = page.evaluate(RANGE)
    u, v = 0.3, 0.8                                 # of the way across, and down
    page.mouse.click(plot[0] + u * plot[2], plot[1] + v * plot[3])
    expect(page.get_by_text("Your points: 501 now.")).to_be_visible()
    page.wait_for_function(f"n => ({POINTS})().length === n", arg=len(before) + 1)
    (new,) = set(page.evaluate(POINTS)) - before
    x1, x2 = map(float, new.split(","))
    # a pixel is (hi - lo) / 286 ~ 0.013 of the plane: the point is within one of the click
    step = (hi - lo) / plot[2]
    assert abs(x1 - (lo + u * (hi - lo))) <= step and abs(x2 - (hi - v * (hi - lo))) <= step, new


def test_the_numbers_are_never_cut_while_they_change_every_frame(page, app_url):
    """The numbers sit in a box of fixed size (each frame's text lays out only that box):
    on a phone, a six-class run's per-class lines wrap, and the box must still hold every
    line at each moment, as the digits come and go."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_app(page, app_url + "?dataset=gaussians&classes=6&loss=ce&epochs=10000000")
    page.keyboard.press(" ")
    cut = []
    for at in (200, 2000, 8000, 20000):
        page.wait_for_function(f"() => Number(({LIVE}).querySelector('.nnp-epoch').dataset.epoch) > {at}")
        cut += page.evaluate(f"""() => {{
          const box = ({LIVE}).querySelector('.nnp-stats');
          return box.scrollHeight > box.clientHeight
            ? [[box.scrollHeight, box.clientHeight, box.textContent]] : [];
        }}""")
    assert not cut, cut
