"""The run as an animated GIF and WebP: decoded with Pillow, its frames are the run's
snapshots, at the chosen width, and the first and last frames' surfaces are the app's
surface pictures at those epochs, in the app's colours."""
import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from playground import Config, TrainingSession
from playground.teach.animation import CELL, Layout, animation
from playground.teach.replay import MAX_FRAMES
from tests.support import ROOT
from playground.pictures.pixels import surface_lut, surface_picture

RUNS = {"2 classes": (Config(), 300),
        "3 classes": (Config(classes=3, dataset="spiral", loss="ce", samples=300), 200),
        "regression": (Config(problem="regression", dataset="plane", loss="mse"), 200)}


@pytest.fixture(scope="module", params=list(RUNS))
def run(request):
    config, epochs = RUNS[request.param]
    session = TrainingSession(config)
    session.advance(epochs)
    return session


def decoded(data):
    """Every frame of an animated picture as (h, w, 3) uint8 RGB."""
    image = Image.open(io.BytesIO(data))
    frames = []
    for k in range(image.n_frames):
        image.seek(k)
        frames.append(np.asarray(image.convert("RGB")))
    return image.format, frames


def app_surface(session, n):
    """The app's surface as the live view paints it: its bytes through its colour table,
    turned so north is up (row 0 of the surface is x2's lowest)."""
    lut = np.asarray(surface_lut(session, discrete=False), np.uint8)
    return np.flipud(lut.reshape(256, 3)[surface_picture(session, n)])


def off_the_points(session, n, reach=9):
    """(n, n) True where a cell's centre is more than `reach` px from every point (train
    and test): there the frame shows the surface alone. Rows top first."""
    lo, hi = session.bounds
    step = (hi - lo) / (n - 1)
    centres = (np.arange(n) + 0.5) * CELL                   # px; cell i is grid value i
    X = np.concatenate([session.data.X_train, session.data.X_test])
    px = ((X[:, 0] - lo) / step + 0.5) * CELL
    py = ((hi - X[:, 1]) / step + 0.5) * CELL
    near = np.zeros((n, n), bool)
    for x, y in zip(px, py):
        near |= ((centres[None, :] - x) ** 2 + (centres[:, None] - y) ** 2) <= reach ** 2
    return ~near


def surface_in(frame, layout):
    """The surface's cells as the frame shows them: each cell's centre pixel."""
    centres = np.arange(layout.cells) * CELL + CELL // 2
    return frame[layout.header:layout.header + layout.width][centres][:, centres].astype(int)


def one_step(session):
    """The GIF's palette keeps every other entry of the app's table, showing bytes 2i and
    2i + 1 both in entry 2i's colour: a surface pixel may be that one step off, no more."""
    lut = np.asarray(surface_lut(session, discrete=False), np.uint8)
    pairs = lut.reshape(128, 2, 3).astype(int)
    return int(np.abs(pairs[:, 1] - pairs[:, 0]).max())


def expected_frames(session):
    return min(MAX_FRAMES, len(set(session.snapshots.epochs) | {session.epoch}))


@pytest.mark.parametrize("width", [480, 800])
def test_a_gif_has_a_frame_per_snapshot_at_the_chosen_width(run, width):
    kind, frames = decoded(animation(run, "gif", width))
    layout = Layout(width)
    assert kind == "GIF" and len(frames) == expected_frames(run) > 10
    assert frames[0].shape == (layout.height, width, 3) and layout.height > width


def test_the_first_and_last_frames_show_the_apps_surface_at_their_epochs(run):
    layout = Layout(480)
    _, frames = decoded(animation(run, "gif"))
    start = TrainingSession(run.config, run.data, initial_params=run.initial_params)
    keep = off_the_points(run, layout.cells)
    for frame, at_epoch in ((frames[0], start), (frames[-1], run)):
        want = app_surface(at_epoch, layout.cells).astype(int)
        error = np.abs(surface_in(frame, layout) - want).max(axis=2)
        assert keep.mean() > 0.4                             # most of the plane is compared
        assert error[keep].max() <= one_step(run)
    first_vs_last = np.abs(app_surface(start, layout.cells).astype(int)
                           - app_surface(run, layout.cells)).max(axis=2)
    assert first_vs_last[keep].max() > 3 * one_step(run)     # so a mixed-up frame would fail


def test_the_loss_curve_grows_in_the_strip_under_the_surface(run):
    layout = Layout(480)
    _, frames = decoded(animation(run, "gif"))
    strip = slice(layout.header + layout.width + layout.text_px * 2, layout.height)
    ink = [(np.abs(f[strip].astype(int) - [32, 33, 36]).max(axis=2) < 40).sum() for f in frames]
    assert ink[0] < ink[len(ink) // 2] < ink[-1]


def test_a_webp_has_the_gifs_frames_in_fewer_bytes(run):
    gif, webp = animation(run, "gif"), animation(run, "webp")
    kind, frames = decoded(webp)
    assert kind == "WEBP" and len(webp) < len(gif)
    assert np.array_equal(np.stack(frames), np.stack(decoded(gif)[1]))   # lossless


def test_a_gif_is_under_5_mb_with_80_frames_at_480_px():
    session = TrainingSession(Config())
    session.advance(20_000)
    data = animation(session, "gif")
    assert len(decoded(data)[1]) == 80 and len(data) <= 5_000_000


@pytest.mark.parametrize("kind, width, says", [("png", 480, "unknown animation format 'png'"),
                                               ("gif", 640, "480 or 800 px wide, not 640")])
def test_an_unknown_format_or_width_is_refused_in_one_sentence(kind, width, says):
    with pytest.raises(ValueError, match=says):
        animation(TrainingSession(Config()), kind, width)


def export(*args):
    return subprocess.run([sys.executable, "-m", "playground", "export", *args], cwd=ROOT,
                          capture_output=True, timeout=120)


def test_the_cli_writes_the_trained_run_as_a_gif_or_webp(tmp_path):
    flags = ("--samples", "100", "--epochs", "200")
    piped = export("--format", "gif", *flags)
    assert piped.returncode == 0, piped.stderr
    kind, frames = decoded(piped.stdout)
    session = TrainingSession(Config(samples=100, epochs=200))
    session.advance(200)
    assert kind == "GIF" and len(frames) == expected_frames(session)
    assert piped.stdout == animation(session, "gif")   # the same run, the same bytes
    done = export("--format", "webp", "--width", "800", "--out", str(tmp_path / "run.webp"),
                  *flags)
    assert done.returncode == 0 and done.stdout == b"", done.stderr
    kind, frames = decoded((tmp_path / "run.webp").read_bytes())
    assert kind == "WEBP" and frames[0].shape[1] == 800
