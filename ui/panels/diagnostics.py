"""Why is it stuck? Per layer: dead and saturated units, gradient norms, histograms of the
weights and gradients, and one plain sentence naming the first problem seen. It is built
when the panel opens and whenever the paused run has moved; while training plays it keeps
that moment until asked (Update): redrawn every 2 s, its two Plotly charts were mounted
again on the page each time, and a big network's live view lost 40% of its epochs."""
from dataclasses import dataclass

import streamlit as st

from playground.figures.diagnostics import histograms_figure, norms_figure
from playground.teach import diagnostics
from ui.state import app_state, current_run

HELP = {
    "layer": "Layer l computes a_l = f(a_(l-1) W_l + b_l); the last is the output unit.",
    "dead": "ReLU units that output 0 on every training point: no gradient reaches them, so "
            "they never recover.",
    "saturated": "Sigmoid or tanh units beyond 0.99 of their range on 9 points in 10: their "
                 "slope is nearly 0, so they learn slowly.",
    "saturation": "Share of (unit, point) pairs beyond 0.99 of the activation's range.",
    "grad_norm": "Size of this layer's gradient (W and b together) on all training points. "
                 "Layers far apart on this scale learn at very different speeds.",
}
# What the footer asks the learner to do next, by the run's state: never to press a
# button that is disabled (a finished run's Play and Step are).
NEXT = {"playing": "Update above to see the run now.",
        "finished": "The run is finished: raise Epochs to run, or press Reset, to watch it "
                    "change.",
        "paused": "Press Play or Step to watch it change."}


def _state(run):
    return "playing" if run.running else "finished" if run.session.done else "paused"


COLUMNS = {
    "layer": st.column_config.TextColumn("Layer", help=HELP["layer"]),
    "units": st.column_config.NumberColumn("Units"),
    "dead": st.column_config.TextColumn("Dead", help=HELP["dead"]),
    "saturated": st.column_config.TextColumn("Saturated", help=HELP["saturated"]),
    "saturation": st.column_config.ProgressColumn("Saturated outputs", min_value=0.0,
                                                  max_value=1.0, format="percent",
                                                  help=HELP["saturation"]),
    "grad_norm": st.column_config.NumberColumn("Gradient norm", format="%.2e",
                                               help=HELP["grad_norm"]),
}


@dataclass(frozen=True)
class Diagnosis:
    """The panel's content at one epoch: everything it shows, built once."""
    epoch: int
    activation: str
    rows: list
    finding: str
    histograms: object      # Plotly figures
    norms: object


def _key(run):
    s = run.session
    return run.mount, s.epoch, s.config


def _build():
    """Diagnose the run as it is now and keep it: one full pass, the gradient norms at
    every snapshot and two figures (tens of ms, and the page's redraw of two charts)."""
    run = current_run()
    s = run.session
    rows, finding = diagnostics.diagnose(s)
    weights, grads = [W for W, _ in s.layers], [dW for dW, _ in s.gradients()]
    epochs, norms = diagnostics.norm_history(s)
    app_state().diagnosis = (_key(run), Diagnosis(
        s.epoch, s.config.activation, rows, finding, histograms_figure(weights, grads),
        norms_figure(epochs, norms)))


def _current(run):
    """The diagnosis to show: rebuilt when the paused run has moved on; while it plays,
    the one made when the panel opened, the run paused or Update was pressed."""
    cached = app_state().diagnosis
    stale = not cached or (cached[0][0] != run.mount if run.running else cached[0] != _key(run))
    if stale:
        _build()
    return app_state().diagnosis[1]


def _table(rows, activation):
    L = len(rows)
    return [{"layer": diagnostics.layer_name(r.layer, L), "units": r.units,
             "dead": f"{r.dead} of {r.units}" if activation == "relu" and r.layer < L else "–",
             "saturated": f"{r.saturated} of {r.units}"
             if activation in ("sigmoid", "tanh") and r.layer < L else "–",
             "saturation": r.saturation, "grad_norm": r.grad_norm} for r in rows]


def diagnostics_ui(run):
    # The button sits in a container that is always there, so the charts below keep their
    # place on the page at Play and Pause and are not mounted again (a redraw each).
    top = st.container(horizontal=True, vertical_alignment="center")
    d = _current(run)
    if run.running:
        top.button("Update the diagnosis", key="diag_update", on_click=_build,
                   icon=":material/refresh:",
                   help="Show the run as it is now. While training plays the panel is not "
                        "redrawn on its own, so the live view keeps its speed.")
        top.caption(f"Training is playing: shown is epoch {d.epoch:,}, as when the panel "
                    "opened, the run last paused or Update was pressed.", width="stretch")
    if d.finding:
        st.warning(d.finding, icon=":material/troubleshoot:")
    else:
        st.success(f"Nothing looks stuck at epoch {d.epoch:,}: no dead or saturated layers, "
                   "gradients of similar size, and the loss still moving (or every point right).",
                   icon=":material/check_circle:")
    st.dataframe(_table(d.rows, d.activation), column_config=COLUMNS, hide_index=True,
                 key="diag_table")
    c1, c2 = st.columns(2)
    c1.plotly_chart(d.histograms, key="diag_hist", config={"displaylogo": False})
    c2.plotly_chart(d.norms, key="diag_norms_chart", config={"displaylogo": False})
    st.caption(f"Epoch {d.epoch:,}. " + NEXT[_state(run)],
               help="Histograms: the current weights, and the size of each weight's gradient "
                    "on all training points (log scale: one step is 10x). Gradient norms over "
                    "the run: computed at the replay's snapshots, so the early epochs are "
                    "densest.")
