"""Figures of the training diagnostics: weights and gradients per layer as histograms, and
each layer's gradient norm over the run on a log scale."""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .charts import FONT

LAYER_COLOURS = ("#1a73e8", "#e8710a", "#188038", "#a142f4", "#d93025", "#12b5cb", "#5f6368")


def _colour(l):
    return LAYER_COLOURS[(l - 1) % len(LAYER_COLOURS)]


def _name(l, layers):
    return "output" if l == layers else f"layer {l}"


def histograms_figure(weights, grads, height=300):
    """Left: every layer's weights. Right: log10 of every layer's gradient sizes, since
    gradients span many orders of magnitude. weights, grads: one array per layer."""
    zeros = sum(int(np.count_nonzero(g == 0)) for g in grads)    # dead units' are exactly 0
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=(
        "Weights", "Gradients: log₁₀ |dW|" + f"<br><sup>{zeros} exactly 0, not shown</sup>" * bool(zeros)))
    L = len(weights)
    for l, (W, g) in enumerate(zip(weights, grads), start=1):
        style = dict(marker_color=_colour(l), opacity=0.6, legendgroup=str(l), nbinsx=30)
        fig.add_trace(go.Histogram(x=np.ravel(W), name=_name(l, L), **style), 1, 1)
        size = np.abs(np.ravel(g))
        fig.add_trace(go.Histogram(x=np.log10(size[size > 0]), name=_name(l, L),
                                   showlegend=False, **style), 1, 2)
    fig.update_layout(barmode="overlay", height=height, font=FONT, margin=dict(l=10, r=10, t=45, b=10),
                      legend=dict(orientation="h", y=-0.15), plot_bgcolor="white")
    fig.update_yaxes(title_text="count", row=1, col=1)
    return fig


def norms_figure(epochs, norms, height=260):
    """Each layer's gradient norm at the run's snapshots, log scale: a layer far below the
    others learns far slower (vanishing), far above and rising means exploding."""
    fig = go.Figure()
    L = norms.shape[1] if norms.ndim == 2 else 0
    for l in range(1, L + 1):
        fig.add_trace(go.Scatter(x=epochs, y=norms[:, l - 1], mode="lines+markers",
                                 marker_size=4, name=_name(l, L), line_color=_colour(l)))
    fig.update_layout(height=height, font=FONT, margin=dict(l=10, r=10, t=30, b=10),
                      title=dict(text="Gradient norm per layer over the run", font_size=13),
                      xaxis_title="epoch", yaxis_title="‖gradient‖", yaxis_type="log",
                      plot_bgcolor="white", legend=dict(orientation="h", y=-0.25))
    fig.update_yaxes(gridcolor="#eee", exponentformat="power")
    return fig
