"""Figures of the training diagnostics: weights and gradients per layer as histograms, and
each layer's gradient norm over the run on a log scale."""
import numpy as np
import plotly.graph_objects as go

from .charts import FONT

LAYER_COLOURS = ("#1a73e8", "#e8710a", "#188038", "#a142f4", "#d93025", "#12b5cb", "#5f6368")


def _colour(l):
    return LAYER_COLOURS[(l - 1) % len(LAYER_COLOURS)]


def _name(l, layers):
    return "output" if l == layers else f"layer {l}"


def histograms_figure(weights, grads, height=300):
    """Left: every layer's weights. Right: log10 of every layer's gradient sizes, since
    gradients span many orders of magnitude. weights, grads: one array per layer.
    Two axes laid out by hand: make_subplots costs ~80 ms, too much for every Step."""
    zeros = sum(int(np.count_nonzero(g == 0)) for g in grads)    # dead units' are exactly 0
    traces, L = [], len(weights)
    for l, (W, g) in enumerate(zip(weights, grads), start=1):
        style = dict(marker_color=_colour(l), opacity=0.6, legendgroup=str(l), nbinsx=30,
                     name=_name(l, L))
        size = np.abs(np.ravel(g))
        traces += [go.Histogram(x=np.ravel(W), **style),
                   go.Histogram(x=np.log10(size[size > 0]), xaxis="x2", yaxis="y2",
                                showlegend=False, **style)]
    title = lambda text, x: dict(text=text, x=x, y=1.0, xref="paper", yref="paper",
                                 xanchor="center", yanchor="bottom", showarrow=False,
                                 font_size=13)
    grad_title = "Gradients: log₁₀ |dW|" + \
        f"<br><sup>{zeros} exactly 0, not shown</sup>" * bool(zeros)
    return go.Figure(traces, dict(
        barmode="overlay", height=height, font=FONT, margin=dict(l=10, r=10, t=45, b=10),
        legend=dict(orientation="h", y=-0.15), plot_bgcolor="white",
        xaxis=dict(domain=[0, 0.45]), xaxis2=dict(domain=[0.55, 1]),
        yaxis=dict(title="count"), yaxis2=dict(anchor="x2"),
        annotations=[title("Weights", 0.225), title(grad_title, 0.775)]))


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
    if len(epochs) and np.ptp(epochs) <= 8:          # a few epochs: whole-epoch ticks, no 0.5
        fig.update_xaxes(dtick=1)
    return fig
