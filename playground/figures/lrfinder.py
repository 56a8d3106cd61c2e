"""The learning-rate finder's curve: loss against learning rate on a log axis, the
steepest descent marked, the run's current rate as a dashed line."""
import math

import plotly.graph_objects as go

from ..pictures.colours import BLUE, ORANGE
from .charts import FONT
from .colours import INK


def lrfinder_figure(sweep, current_lr=None, height=320):
    i = sweep.steepest
    fig = go.Figure([
        go.Scatter(x=sweep.lrs, y=sweep.losses, mode="lines", name="loss after each step",
                   line=dict(color="#9aa0a6", width=1)),
        go.Scatter(x=sweep.lrs, y=sweep.smooth, mode="lines", name="smoothed",
                   line=dict(color=BLUE, width=2.5)),
        go.Scatter(x=[sweep.lrs[i]], y=[sweep.smooth[i]], mode="markers+text",
                   name="steepest descent", marker=dict(color=ORANGE, size=12, symbol="star"),
                   text=[f"steepest: {sweep.suggestion:g}"],
                   textposition="top right" if i < 0.7 * len(sweep.lrs) else "top left"),
    ])
    if current_lr:
        # The line as a shape and its label as an annotation of our own: on a log axis
        # Plotly takes an annotation's x as log10 of the value, and add_vline's label,
        # placed at the value itself, sat far to the right of its line.
        fig.add_vline(x=current_lr, line=dict(color=INK, dash="dash", width=1))
        fig.add_annotation(x=math.log10(current_lr), y=1, yref="paper", yanchor="bottom",
                           xanchor="right", text=f"now {current_lr:g}", showarrow=False)
    fig.update_layout(height=height, font=FONT, margin=dict(l=10, r=10, t=30, b=10),
                      xaxis=dict(type="log", title="learning rate", exponentformat="power",
                                 gridcolor="#eee"),
                      yaxis=dict(title="training loss", gridcolor="#eee"),
                      plot_bgcolor="white", legend=dict(orientation="h", y=-0.25))
    return fig
