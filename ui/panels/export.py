"""Export: downloads of the run (weights, history, data, charts, a script)."""
from pathlib import Path

import plotly.io as pio
import streamlit as st

from playground.figures.charts import loss_figure, surface_figure
from playground.teach import export, torch_script
from playground.teach.replay import surface_u8
from ui.live.view import PLOTLY_JS

STATIC = Path(__file__).resolve().parents[2] / "static"


def standalone_html(figures, title):
    """One HTML file with plotly.js inside, so it opens anywhere, offline."""
    plotly_js = (STATIC / PLOTLY_JS).read_text()
    parts = [pio.to_html(f, include_plotlyjs=False, full_html=False) for f in figures]
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<script>{plotly_js}</script></head><body>" + "".join(parts) + "</body></html>")


def _charts(session, view):
    h = session.history
    figs = [surface_figure(surface_u8(session, 150), session.bounds, session.data,
                           view["show_test"], view["discretize"], title=f"epoch {session.epoch:,}",
                           config=session.config),
            loss_figure(h.column("epoch"), h.column("train_loss"),
                        h.column("test_loss") if session.data.has_test else None,
                        log_scale=view["log_scale"], height=320)]
    return standalone_html(figs, "NN Playground charts")


def export_ui(run):
    s = run.session
    # on_click="ignore": a rerun started by the same click could drop the deferred file
    # before the browser fetched it, leaving the button spinning (seen 1 click in ~12).
    st.markdown("Take this run with you. Each file is made when you click.")
    c = st.columns(3)
    c[0].download_button("Weights (JSON)", lambda: export.weights_json(s), "weights.json",
                         mime="application/json", on_click="ignore", icon=":material/data_object:",
                         help="Every layer's W and b, named by layer, unrounded.")
    c[1].download_button("History (CSV)", lambda: export.history_csv(s), "history.csv",
                         mime="text/csv", on_click="ignore", icon=":material/table:",
                         help="Epoch, train and test loss and accuracy, as recorded.")
    c[2].download_button("Dataset (CSV)", lambda: export.dataset_csv(s.data), "dataset.csv",
                         mime="text/csv", on_click="ignore", icon=":material/scatter_plot:",
                         help="Every point with its label and whether it was train or test.")
    c = st.columns(3)
    c[0].download_button("Python script", lambda: export.script(s), "train_network.py",
                         mime="text/x-python", on_click="ignore", icon=":material/code:", type="primary",
                         help="A NumPy-only script in the tutorial's style that reproduces this "
                              "run and prints the same losses.")
    c[1].download_button("PyTorch script", lambda: torch_script.script(s), "train_network_torch.py",
                         mime="text/x-python", on_click="ignore", icon=":material/rocket_launch:",
                         help="The same run as plain PyTorch (nn.Sequential, torch.optim, a "
                              "training loop) to keep extending: same points, starting weights "
                              "and batch order, so it ends at these weights up to rounding. "
                              "Run it with --json for the losses and weights as JSON.")
    c[2].download_button("Charts (HTML)", lambda: _charts(s, run.view), "charts.html",
                         mime="text/html", on_click="ignore", icon=":material/insert_chart:",
                         help="The decision surface and the loss curve, interactive, in one "
                              "file that opens offline.")
    st.caption("For a picture of a chart, open Charts (HTML): each chart there has a camera "
               "button that saves a PNG.")
    with st.expander("Preview the script"):
        st.code(export.script(s), language="python")
    with st.expander("Preview the PyTorch script"):
        st.code(torch_script.script(s), language="python")
