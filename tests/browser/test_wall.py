"""The wall in a real browser, fed by a real store: 40 tiles written straight into a
SQLite file that the app server reads too (NNP_STORE), painted on their canvases; one
updated and repainted; Spotlight on a click; the leaderboard in its order; the store
taken away and given back."""
import base64
import numpy as np
import pytest
from playwright.sync_api import expect

from playground.config import Config
from playground.pictures.pixels import surface_tile
from playground.pictures.png import png_bytes, unit_picture
from playground.room import service
from playground.room.rules import Challenge
from playground.room.store import open_store
from playground.room.tile import make_tile
from playground.saves import save_bytes
from playground.session import TrainingSession
from tests.rooms import own_limiters
from tests.support import poll
from tools.appserver import free_port, start_server, stop

ROOM = "wall-test"
STUDENTS = 40

# Each tile's canvas: its student id and the RGBA at the middle of its picture.
PIXELS = """() => Object.fromEntries([...document.querySelectorAll('.nnp-tile')].map((t) => {
  const c = t.querySelector('canvas');
  return [t.dataset.student, [...c.getContext('2d').getImageData(24, 24, 1, 1).data]];
}))"""



# How many pixels of Spotlight's loss canvas are the curve's orange (#e8710a, give or
# take antialiasing): the curve comes with the tile once it is in Spotlight.
CURVE = """() => { const c = document.querySelector('.nnp-spot-loss');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    n += d[i] > 200 && d[i + 1] > 90 && d[i + 1] < 140 && d[i + 2] < 40;
  }
  return n; }"""


# The mean RGB of a canvas.
MEAN = """(sel) => { const c = document.querySelector(sel);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; const m = [0, 0, 0];
  for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) m[k] += d[i + k];
  return m.map((v) => v / (d.length / 4)); }"""


def colour(n):
    """Student n's picture: one colour of its own (a PNG is lossless, so the page's
    canvas holds exactly these bytes)."""
    return [(37 * n) % 256, 255 - (53 * n) % 256, (n * 91 + 40) % 256]


def tile(n, rgb, epoch=100):
    picture = np.tile(np.array(rgb, np.uint8), (48, 48, 1))
    return {"nickname": f"Student {n + 1}", "epoch": epoch, "test_loss": 0.25, "accuracy": 0.9,
            "r2": None, "setup": "dataset=moons", "params": 33, "playing": True,
            "picture": base64.b64encode(png_bytes(picture)).decode("ascii"),
            "loss": [[e, 1 / (1 + e)] for e in range(0, epoch + 1, 10)]}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """A room in a SQLite file, and the app served with NNP_STORE naming that file."""
    where = tmp_path_factory.mktemp("wall")
    url = f"sqlite:///{where}/rooms.sqlite3"
    store = open_store(url)
    key = service.create_room(store, ROOM, Challenge(dataset="moons", score="test_accuracy"),
                              limiters=own_limiters())
    port = free_port()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NNP_STORE", url)
        server = start_server(port, where / "server.log")
    try:
        yield store, f"http://127.0.0.1:{port}", where, key
    finally:
        stop(server)


def fits(page):
    """Whether every tile lies inside the window (the wall never scrolls)."""
    return all(page.locator(".nnp-tile").evaluate_all("""ts => ts.map((t) => {
        const r = t.getBoundingClientRect();
        return r.bottom <= innerHeight && r.right <= innerWidth; })"""))


def tile_side(page):
    return page.locator(".nnp-tile canvas").first.bounding_box()["width"]


def painted(page, expected):
    """Whether every expected tile's canvas shows its colour (fully opaque)."""
    shown = page.evaluate(PIXELS)
    return all(shown.get(sid) == rgb + [255] for sid, rgb in expected.items())


def test_the_wall_paints_every_tile_repaints_one_and_spotlights_it(room, browser):
    store, url, _, _ = room
    expected = {f"s{n:03d}": colour(n) for n in range(STUDENTS)}
    for n, (sid, rgb) in enumerate(expected.items()):
        store.put_tile(ROOM, sid, tile(n, rgb))
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{url}/?room={ROOM}&wall=1")
    poll(page, lambda: painted(page, expected), f"{STUDENTS} tiles painted")
    expect(page.locator(".nnp-tile")).to_have_count(STUDENTS)
    expect(page.locator(".nnp-wall-name")).to_have_text(ROOM)
    expect(page.locator(".nnp-wall-qr svg")).to_be_visible()
    assert fits(page), "every tile fits on the 1280x720 screen"

    session = run(hidden=(8,), epochs=300)                 # a real run's tile this time
    expected["s007"] = [int(v) for v in unit_picture(*surface_tile(session, 48))[24, 24]]
    store.put_tile(ROOM, "s007", {**make_tile(session, "Student 8"), "playing": False})
    poll(page, lambda: painted(page, expected), "the updated tile repainted")
    expect(page.locator('.nnp-tile[data-student="s007"] .nnp-tile-epoch')).to_have_text("300")

    page.locator('.nnp-tile[data-student="s007"]').click()
    spot = page.locator(".nnp-spot")
    expect(spot).to_be_visible()
    expect(spot.locator(".nnp-spot-nick")).to_have_text("Student 8")
    expect(spot.locator(".nnp-spot-nums")).to_contain_text("epoch 300")
    href = spot.locator(".nnp-spot-link").get_attribute("href")
    assert href.endswith(f"/?room={ROOM}&copy=s007"), href
    # The picture, scaled up and smoothed: its mean colour is the tile's, give or take
    # the smoothing at the edges of the surface's regions.
    big, small = (page.evaluate(MEAN, where) for where in
                  (".nnp-spot-pic", '.nnp-tile[data-student="s007"] canvas'))
    assert all(abs(a - b) <= 4 for a, b in zip(big, small)), (big, small)
    poll(page, lambda: page.evaluate(CURVE) > 50, "Spotlight's loss curve drawn")
    page.keyboard.press("Escape")
    expect(spot).to_be_hidden()
    page.close()


def test_forty_tiles_fill_a_1920x1080_screen_too(room, browser):
    """The grid grows with the screen: bigger tiles, and still all of them in sight."""
    store, url, _, _ = room
    expected = {f"s{n:03d}": colour(n) for n in range(STUDENTS)}
    for n, (sid, rgb) in enumerate(expected.items()):
        store.put_tile(ROOM, sid, tile(n, rgb))
    sides = {}
    for width, height in ((1280, 720), (1920, 1080)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{url}/?room={ROOM}&wall=1")
        poll(page, lambda: painted(page, expected), f"{STUDENTS} tiles painted at {width}")
        assert fits(page), f"every tile fits on the {width}x{height} screen"
        sides[width] = tile_side(page)
        page.close()
    assert sides[1920] > 1.4 * sides[1280] and sides[1280] >= 80, sides


def run(hidden, epochs, seed=0):
    session = TrainingSession(Config(dataset="moons", samples=80, hidden=hidden, seed=seed))
    session.advance(epochs)
    return session


def test_the_leaderboard_as_the_service_ranks_it_with_each_runs_link(room, browser):
    """Real runs submitted through the service, which scores them itself."""
    store, url, _, _ = room
    for n, (hidden, epochs) in enumerate([((2,), 5), ((8,), 200), ((8, 8), 400), ((4,), 60)]):
        session = run(hidden, epochs, seed=n)
        service.submit(store, ROOM, f"token-of-student-{n:04d}", session, save_bytes(session),
                       f"Runner {n}")
    ranked = service.leaderboard(store, ROOM)
    assert len({e["score"] for e in ranked}) > 1, "the runs score differently"
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{url}/?room={ROOM}&wall=1")
    names = page.locator(".nnp-wall-entry-name")
    expect(names).to_have_text([e["nickname"] for e in ranked])
    expect(page.locator(".nnp-wall-board-title")).to_have_text("Leaderboard · test accuracy")
    hrefs = names.evaluate_all("as => as.map((a) => a.getAttribute('href'))")
    assert [h.split("/")[-1] for h in hrefs] == [f"?{service.run_query(ROOM, e['id'])}"
                                                 for e in ranked]
    page.close()


def test_a_store_gone_is_said_the_tiles_stay_and_the_wall_recovers(room, browser):
    """The file taken away for real (a directory in its place), then put back."""
    store, url, where, _ = room
    store.put_tile(ROOM, "s000", tile(0, colour(0)))
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{url}/?room={ROOM}&wall=1")
    poll(page, lambda: painted(page, {"s000": colour(0)}), "a tile painted")
    count = page.locator(".nnp-tile").count()
    path = where / "rooms.sqlite3"
    store.close()
    path.rename(where / "away.sqlite3")
    path.mkdir()
    try:
        expect(page.locator(".nnp-wall-down")).to_contain_text(
            "The room's store is unreachable since ")
        expect(page.locator(".nnp-tile")).to_have_count(count)
    finally:
        path.rmdir()
        (where / "away.sqlite3").rename(path)
    expect(page.locator(".nnp-wall-down")).to_be_hidden()
    assert painted(page, {"s000": colour(0)})
    page.close()


def test_an_unknown_room_is_one_sentence(room, browser):
    _, url, _, _ = room
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{url}/?room=nobody-here&wall=1")
    expect(page.get_by_text("There is no room called nobody-here; it may have expired.")
           ).to_be_visible()
    expect(page.locator(".nnp-wall")).to_have_count(0)
    page.close()


def test_a_room_closed_while_on_the_wall_is_one_sentence(room, browser):
    """Last: it closes the module's room."""
    store, url, _, key = room
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{url}/?room={ROOM}&wall=1")
    expect(page.locator(".nnp-wall")).to_be_visible()
    service.close(store, ROOM, key)
    expect(page.get_by_text(f"The room {ROOM} is closed.")).to_be_visible()
    expect(page.locator(".nnp-wall")).to_have_count(0)
    page.close()
