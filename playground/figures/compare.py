"""Figures that put pinned runs side by side: loss curves overlaid, surfaces in a row."""
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .charts import FONT, data_traces, surface_colours

PALETTE = ["#202124", "#1a73e8", "#e8710a", "#188038", "#a142f4", "#d93025", "#007b83"]


def compare_loss_figure(runs, log_scale=False, height=300):
    """Every run's training loss (solid) and test loss (dotted) on one chart."""
    fig = go.Figure()
    for k, r in enumerate(runs):
        colour = PALETTE[k % len(PALETTE)]
        epochs, train, test = r.curve
        fig.add_trace(go.Scatter(x=epochs, y=train, mode="lines", name=f"{r.name} · train",
                                 line=dict(color=colour, width=2), legendgroup=r.name))
        if test is not None:
            fig.add_trace(go.Scatter(x=epochs, y=test, mode="lines", name=f"{r.name} · test",
                                     line=dict(color=colour, width=2, dash="dot"),
                                     legendgroup=r.name))
    fig.update_layout(height=height, font=FONT, margin=dict(l=50, r=10, t=10, b=40),
                      xaxis=dict(title="epoch", gridcolor="#eee"),
                      yaxis=dict(title="loss", type="log" if log_scale else "linear", gridcolor="#eee"),
                      plot_bgcolor="white", paper_bgcolor="white", hovermode="x unified")
    return fig


def compare_surfaces_figure(runs, height=300):
    """Each run's final decision surface with its training points, in one row."""
    fig = make_subplots(rows=1, cols=len(runs), horizontal_spacing=0.03,
                        subplot_titles=[f"{r.name} · epoch {r.epoch:,}" for r in runs])
    for k, r in enumerate(runs, start=1):
        colours = surface_colours(r.surface, r.config.classes)    # 3+ classes: by class
        n = colours["z"].shape[0]
        step = (r.bounds[1] - r.bounds[0]) / (n - 1)
        fig.add_trace(go.Heatmap(x0=r.bounds[0], dx=step, y0=r.bounds[0], dy=step, zmin=0,
                                 zmax=255, showscale=False, hoverinfo="skip", **colours), 1, k)
        for trace in data_traces(r.data, r.config, show_test=False):
            trace.marker.size = 4                   # small: regression keeps a thin edge
            trace.marker.line.width = 0.5 if r.config.problem == "regression" else 0
            fig.add_trace(trace, 1, k)
        axis = "" if k == 1 else str(k)
        fig.update_xaxes(range=list(r.bounds), showticklabels=False, fixedrange=True, row=1, col=k)
        fig.update_yaxes(range=list(r.bounds), showticklabels=False, fixedrange=True,
                         scaleanchor=f"x{axis}", row=1, col=k)
    fig.update_layout(height=height, font=FONT, showlegend=False, margin=dict(l=10, r=10, t=30, b=10),
                      plot_bgcolor="white", paper_bgcolor="white")
    return fig
