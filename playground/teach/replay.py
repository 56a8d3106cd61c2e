"""What a replay shows, gathered from a session's snapshots: pure NumPy, no Plotly."""
import numpy as np

from .. import fast
from ..pictures.pixels import surface_u8

REPLAY_GRID = 80        # surface resolution in the replay (each frame is n*n bytes)
MAX_FRAMES = 80
CURVE_POINTS = 240


def thin_curve(history, points=CURVE_POINTS):
    """(epochs, train loss, test loss or None) at about `points` epochs spaced
    geometrically, like the snapshots, so the fast early part keeps its detail."""
    epochs = history.column("epoch")
    if len(epochs) > points:
        grid = np.geomspace(1, max(epochs[-1], 1), points)
        pick = np.unique(np.r_[0, np.searchsorted(epochs, grid).clip(0, len(epochs) - 1)])
    else:
        pick = np.arange(len(epochs))
    test = history.column("test_loss")[pick]
    return epochs[pick].astype(int), history.column("train_loss")[pick], \
        None if np.isnan(test).all() else test


def replay_frames(session, n=REPLAY_GRID, max_frames=MAX_FRAMES):
    """[(epoch, surface uint8, [(W, b), ...]), ...]: the snapshots and the current state,
    at most max_frames of them, evenly picked; each surface as `surface_u8` makes it."""
    snaps = session.snapshots
    epochs, thetas = list(snaps.epochs), list(snaps.thetas)
    if not epochs or epochs[-1] < session.epoch:
        epochs.append(session.epoch)
        thetas.append(session.theta.copy())
    pick = np.unique(np.linspace(0, len(epochs) - 1, min(max_frames, len(epochs))).round().astype(int))
    shapes = [p.shape for p in session.params]
    frames = []
    for k in pick:
        params = fast.views(thetas[k], shapes)
        frames.append((int(epochs[k]), surface_u8(session, n, params),
                       [(W.astype(float), b.astype(float)) for W, b in fast.W_and_b(params)]))
    return frames
