"""The network's output over the plane as a 3-D surface, with the points at their labels'
height (0 or 1): rotate and zoom to see where the output is steep and where it is flat."""
import numpy as np
import plotly.graph_objects as go

from .charts import BLUE, FONT, ORANGE, SURFACE_SCALE


def surface3d_figure(surface, bounds, data, show_test=True, height=520, title=None):
    """surface: (n, n) output over the box (rows x2, columns x1), as session.surface gives."""
    n = surface.shape[0]
    t = np.linspace(bounds[0], bounds[1], n)
    traces = [go.Surface(x=t, y=t, z=surface, cmin=0, cmax=1, colorscale=SURFACE_SCALE,
                         showscale=False, opacity=0.92, name="output",
                         hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>output %{z:.3f}"
                                       "<extra></extra>",
                         contours=dict(z=dict(show=True, start=0.5, end=0.5, size=1,
                                              color="#555", width=4)))]
    sets = [("train", data.X_train, data.y_train, "circle")]
    if show_test and data.has_test:
        sets.append(("test", data.X_test, data.y_test, "diamond-open"))
    for name, X, y, symbol in sets:
        for label, colour in ((0, ORANGE), (1, BLUE)):
            pick = y == label
            traces.append(go.Scatter3d(
                x=X[pick, 0], y=X[pick, 1], z=np.full(pick.sum(), float(label)), mode="markers",
                marker=dict(size=3, color=colour, symbol=symbol,
                            line=dict(width=0.5, color="white")),
                name=f"{name}: class {label}", hoverinfo="skip"))
    fig = go.Figure(traces)
    axis = dict(range=list(bounds), backgroundcolor="white", gridcolor="#ddd")
    fig.update_layout(
        height=height, font=FONT, margin=dict(l=0, r=0, t=30 if title else 0, b=0), title=title,
        legend=dict(orientation="h", y=0.02), uirevision="surface3d",
        scene=dict(xaxis=dict(axis, title="x₁"), yaxis=dict(axis, title="x₂"),
                   zaxis=dict(range=[-0.05, 1.05], title="output", gridcolor="#ddd"),
                   aspectmode="manual", aspectratio=dict(x=1, y=1, z=0.6),
                   camera=dict(eye=dict(x=1.5, y=-1.5, z=1.0))))
    return fig
