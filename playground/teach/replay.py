"""What a replay shows, gathered from a session's snapshots: pure NumPy, no Plotly."""
import numpy as np

from .. import fast
from .images import quantize, quantize_classes, quantize_values

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


def surface_u8(session, n, params=None):
    """The run's surface over the plane as bytes, with the current or the given (folded)
    parameters: (n, n) the probability of class 1 on 0..255 (2 classes); (n, n) the
    predicted value, [-1, 1] on 0..255 (regression); (2, n, n) the most likely class and
    its probability on 0..255 (3 or more classes; see images.quantize_classes)."""
    if session.output == "softmax":
        return quantize_classes(session.class_surfaces(n, params))
    if session.output == "linear":
        return quantize_values(session.surface(n, params))
    return quantize(session.surface(n, params))


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
