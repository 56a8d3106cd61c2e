"""The replay: one Plotly figure whose animation frames scrub back through training.

Each frame is a recorded snapshot: the decision surface, the loss curve up to that
epoch, and the network's weights as coloured edges. Plotly plays the frames in the
browser (slider and Play button), with no round trip to the server per frame.

Only the heatmap is animated as a trace; the loss curve and the edges are layout shapes
that each frame replaces. (Animating scatter traces beside a heatmap sends Plotly down
its transition path, which left the heatmap's subplot blank while playing.)
"""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .charts import FONT, point_traces, surface_colours, typed
from .colours import INK, NEG, POS

MAX_EDGES = 400        # above this the diagram is left out: its frames would dominate
FRAME_MS = 80          # a frame's redraw must finish before the next one starts


def _layout_positions(sizes):
    """Every node's (x, y), and every edge as (layer, i, j, x0, y0, x1, y1)."""
    centre = (max(sizes) - 1) / 2
    pos = [[(l, centre + (k - 1) / 2 - j) for j in range(k)] for l, k in enumerate(sizes)]
    edges = [(l, i, j, *pos[l][i], *pos[l + 1][j])
             for l in range(len(sizes) - 1) for i in range(sizes[l]) for j in range(sizes[l + 1])]
    return pos, edges


def _edge_shapes(edges, layers, big):
    return [dict(type="line", xref="x3", yref="y3", x0=x0, y0=y0, x1=x1, y1=y1, layer="below",
                 line=dict(width=round(0.5 + 6 * min(1.0, abs(w) / big), 1),
                           color=POS if w >= 0 else NEG))
            for l, i, j, x0, y0, x1, y1 in edges for w in (float(layers[l][0][i, j]),)]


def _loss_shapes(epoch, epochs, train):
    """The training loss up to `epoch` as one SVG path, and a red line at `epoch`."""
    upto = epochs <= epoch
    path = "M" + "L".join(f"{x},{y:.4g}" for x, y in zip(epochs[upto], train[upto])
                          if np.isfinite(y))
    return [dict(type="path", xref="x2", yref="y2", path=path, line=dict(color=INK, width=2)),
            dict(type="line", xref="x2", yref="y2 domain", x0=epoch, x1=epoch, y0=0, y1=1,
                 line=dict(color="#d93025", width=1))]


def replay_figure(frames, curve, bounds, data, sizes, show_test=True, height=480, config=None):
    """frames: [(epoch, surface uint8 (n, n), [(W, b), ...]), ...] in epoch order;
    curve: (epochs, train_loss, test_loss or None) of the whole run, thinned;
    config: the run's Config, for its problem type (None: two classes).
    Returns the figure as a dict: its frames are plain dicts, quick to build."""
    fig = make_subplots(rows=1, cols=3, column_widths=[0.34, 0.33, 0.33], horizontal_spacing=0.07,
                        subplot_titles=("decision surface", "training loss", "network"))
    # 3+ classes: frames hold (2, n, n) class and confidence, shown as class * LEVELS + level
    classes = config.classes if config else 2
    regression = bool(config) and config.problem == "regression"
    colours = surface_colours(frames[0][1], classes)
    frames = [(epoch, surface_colours(z, classes)["z"], layers) for epoch, z, layers in frames]
    n = frames[0][1].shape[0]
    step = (bounds[1] - bounds[0]) / (n - 1)
    fig.add_trace(go.Heatmap(x0=bounds[0], dx=step, y0=bounds[0], dy=step, zmin=0, zmax=255,
                             showscale=False, hoverinfo="skip", **colours), 1, 1)
    for trace in point_traces(data, show_test, classes, regression):
        fig.add_trace(trace, 1, 1)
    epochs, train = np.asarray(curve[0]), np.asarray(curve[1], dtype=float)
    fig.add_trace(go.Scatter(x=epochs, y=train, mode="lines", line=dict(color="#e0e0e0", width=2),
                             hovertemplate="epoch %{x:,}<br>loss %{y:.4f}<extra></extra>"), 1, 2)
    pos, edges = _layout_positions(sizes)
    draw_edges = len(edges) <= MAX_EDGES
    big = max(float(np.abs(W).max()) for _, _, layers in frames for W, _ in layers) or 1.0
    fig.add_trace(go.Scatter(x=[p[0] for layer in pos for p in layer],
                             y=[p[1] for layer in pos for p in layer], mode="markers", hoverinfo="skip",
                             marker=dict(size=14, color="white", symbol="square",
                                         line=dict(color="#5f6368", width=1))), 1, 3)
    _controls(fig, [f[0] for f in frames])
    top = float(np.nanmax(train)) if np.isfinite(np.nanmax(train)) else 1.0
    fig.update_layout(height=height, showlegend=False, font=FONT, margin=dict(l=40, r=10, t=40, b=90),
                      plot_bgcolor="white", paper_bgcolor="white")
    fig.update_xaxes(range=list(bounds), fixedrange=True, constrain="domain", row=1, col=1)
    fig.update_yaxes(range=list(bounds), fixedrange=True, scaleanchor="x", row=1, col=1)
    fig.update_xaxes(title="epoch", row=1, col=2)
    fig.update_yaxes(range=[0, top * 1.05], row=1, col=2)
    fig.update_xaxes(visible=False, fixedrange=True, range=[-0.5, len(sizes) - 0.5], row=1, col=3)
    fig.update_yaxes(visible=False, fixedrange=True, range=[-0.8, max(sizes) - 0.2], row=1, col=3)
    if not draw_edges:
        fig.add_annotation(text=f"{len(edges):,} weights: too many to draw here",
                           showarrow=False, xref="x3 domain", yref="y3 domain", x=0.5, y=0.5)
    figure = fig.to_plotly_json()
    figure["frames"] = [
        {"name": str(epoch), "traces": [0], "data": [{"type": "heatmap", "z": typed(z)}],
         "layout": {"shapes": (_edge_shapes(edges, layers, big) if draw_edges else [])
                    + _loss_shapes(epoch, epochs, train),
                    "xaxis2": {"range": [0, max(10, epoch * 1.15)]}}}
        for epoch, z, layers in frames]
    first = figure["frames"][0]["layout"]
    figure["layout"]["shapes"] = first["shapes"]
    figure["layout"]["xaxis2"]["range"] = first["xaxis2"]["range"]
    return figure


def _controls(fig, epochs):
    """A Play/Pause pair and a slider over the frames, all played by Plotly in the page."""
    play = dict(frame=dict(duration=FRAME_MS, redraw=True), transition=dict(duration=0),
                fromcurrent=True, mode="immediate")
    still = dict(frame=dict(duration=0, redraw=True), mode="immediate", transition=dict(duration=0))
    fig.update_layout(
        updatemenus=[dict(type="buttons", direction="left", x=0, y=-0.16, xanchor="left",
                          yanchor="top", pad=dict(t=10), showactive=False,
                          buttons=[dict(label="▶ Replay", method="animate", args=[None, play]),
                                   dict(label="Pause", method="animate",
                                        args=[[None], dict(frame=dict(duration=0, redraw=False),
                                                           mode="immediate")])])],
        sliders=[dict(active=0, x=0.16, len=0.84, y=-0.16, yanchor="top", pad=dict(t=10),
                      currentvalue=dict(prefix="epoch ", font=dict(size=12)),
                      steps=[dict(label=f"{e:,}", method="animate", args=[[str(e)], still])
                             for e in epochs])])
