"""The network's output over the plane as a 3-D surface, with the points at their labels'
height (0 or 1): rotate and zoom to see where the output is steep and where it is flat.
Regression: the predicted value, the points at their targets. K classes: the most likely
class's probability, coloured by that class, the points at height 1 in their colours."""
import numpy as np
import plotly.graph_objects as go

from ..pictures.colours import CLASS_COLOURS, SURFACE_SCALE
from ..pictures.encode import quantize_classes
from .charts import FONT, OUTLINE, TARGET_SCALE, surface_colours


def _surface(surface, t, regression):
    """The Surface trace: P(class 1) or the predicted value as height and colour; for K
    classes ((K, n, n) probabilities) the top probability as height, coloured by class."""
    low, mid = (-1, 0.0) if regression else (0, 0.5)
    common = dict(x=t, y=t, showscale=False, opacity=0.92, name="output",
                  hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>output %{z:.3f}<extra></extra>")
    if surface.ndim == 3:
        colours = surface_colours(quantize_classes(surface), len(surface))
        return go.Surface(z=surface.max(axis=0), surfacecolor=colours["z"], cmin=0, cmax=255,
                          colorscale=colours["colorscale"], **common)
    return go.Surface(z=surface, cmin=low, cmax=1, colorscale=SURFACE_SCALE, **common,
                      contours=dict(z=dict(show=True, start=mid, end=mid, size=1,
                                           color="#555", width=4)))


def surface3d_figure(surface, bounds, data, show_test=True, height=520, title=None,
                     regression=False):
    """surface: (n, n) output over the box (rows x2, columns x1), as pictures.plane.surface
    gives, or (K, n, n) class probabilities (plane.class_surfaces) for 3 or more classes."""
    n = surface.shape[-1]
    t = np.linspace(bounds[0], bounds[1], n)
    classes = len(surface) if surface.ndim == 3 else 2
    traces = [_surface(surface, t, regression)]
    sets = [("train", data.X_train, data.y_train, "circle")]
    if show_test and data.has_test:
        sets.append(("test", data.X_test, data.y_test, "diamond-open"))
    for name, X, y, symbol in sets:
        if regression:
            traces.append(go.Scatter3d(
                x=X[:, 0], y=X[:, 1], z=y, mode="markers", name=f"{name}: targets",
                marker=dict(size=3, color=y, cmin=-1, cmax=1, colorscale=TARGET_SCALE,
                            symbol=symbol.replace("-open", ""),   # as charts.point_traces
                            line=dict(width=0.5, color=OUTLINE)),
                hoverinfo="skip"))
            continue
        for label, colour in enumerate(CLASS_COLOURS[:classes]):
            pick = y == label
            height_of = float(label) if classes == 2 else 1.0
            traces.append(go.Scatter3d(
                x=X[pick, 0], y=X[pick, 1], z=np.full(pick.sum(), height_of), mode="markers",
                marker=dict(size=3, color=colour, symbol=symbol,
                            line=dict(width=0.5, color="white")),
                name=f"{name}: class {label}", hoverinfo="skip"))
    fig = go.Figure(traces)
    axis = dict(range=list(bounds), backgroundcolor="white", gridcolor="#ddd")
    fig.update_layout(
        height=height, font=FONT, margin=dict(l=0, r=0, t=30 if title else 0, b=0), title=title,
        legend=dict(orientation="h", y=0.02), uirevision="surface3d",
        scene=dict(xaxis=dict(axis, title="x₁"), yaxis=dict(axis, title="x₂"),
                   zaxis=dict(range=[-1.05 if regression else -0.05, 1.05],
                              title="prediction" if regression else "output",
                              gridcolor="#ddd"),
                   aspectmode="manual", aspectratio=dict(x=1, y=1, z=0.6),
                   camera=dict(eye=dict(x=1.5, y=-1.5, z=1.0))))
    return fig
