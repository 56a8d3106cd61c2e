"""Why is it stuck? Per layer: dead and saturated units, gradient norms, histograms of the
weights and gradients, and one plain sentence naming the first problem seen. While the run
plays it refreshes every few seconds on its own (a fragment), never on every tick."""
import streamlit as st

from playground.figures.diagnostics import histograms_figure, norms_figure
from playground.teach import diagnostics
from ui.state import app_state

REFRESH = 2.0       # seconds between updates while training plays

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


def _norms_chart(run):
    """The gradient norms over the run. While it plays, only the snapshots' (a new one comes
    ever more rarely), so the chart is rebuilt and redrawn only when one does."""
    s = run.session
    key = (run.mount, len(s.snapshots.epochs), s.snapshots.epochs[-1:],
           None if run.running else s.epoch)
    cached = app_state().diag_norms
    if not cached or cached[0] != key:
        epochs, norms = diagnostics.norm_history(s, now=not run.running)
        cached = app_state().diag_norms = (key, norms_figure(epochs, norms))
    return cached[1]


def _table(rows, activation):
    L = len(rows)
    return [{"layer": diagnostics.layer_name(r.layer, L), "units": r.units,
             "dead": f"{r.dead} of {r.units}" if activation == "relu" and r.layer < L else "–",
             "saturated": f"{r.saturated} of {r.units}"
             if activation in ("sigmoid", "tanh") and r.layer < L else "–",
             "saturation": r.saturation, "grad_norm": r.grad_norm} for r in rows]


def _view():
    run = st.session_state["run"]
    s = run.session
    rows, finding = diagnostics.diagnose(s)
    if finding:
        st.warning(finding, icon=":material/troubleshoot:")
    else:
        st.success(f"Nothing looks stuck at epoch {s.epoch:,}: no dead or saturated layers, "
                   "gradients of similar size, and the loss still moving (or every point right).",
                   icon=":material/check_circle:")
    st.dataframe(_table(rows, s.config.activation), column_config=COLUMNS, hide_index=True,
                 key="diag_table")
    c1, c2 = st.columns(2)
    weights, grads = [W for W, _ in s.layers], [dW for dW, _ in s.gradients()]
    c1.plotly_chart(histograms_figure(weights, grads),
                    key="diag_hist", config={"displaylogo": False})
    c2.plotly_chart(_norms_chart(run), key="diag_norms_chart",
                    config={"displaylogo": False})
    st.caption(f"Epoch {s.epoch:,}. " + ("Refreshes every few seconds while training plays."
                                         if run.running else
                                         "Press Play or Step to watch it change."),
               help="Histograms: the current weights, and the size of each weight's gradient on "
                    "all training points (log scale: one step is 10x). Gradient norms over the "
                    "run: computed at the replay's snapshots, so the early epochs are densest.")


def diagnostics_ui(run):
    st.fragment(_view, run_every=REFRESH if run.running else None)()
