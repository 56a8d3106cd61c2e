"""Export: downloads of the run (weights, history, data, charts, a script)."""
from pathlib import Path

import plotly.io as pio
import streamlit as st

from playground.figures.charts import loss_figure, surface_figure
from playground.pictures.pixels import surface_u8
from playground.teach import export, torch_script
from ui.live.view import PLOTLY_JS
from ui.panels.animation import animation_ui

STATIC = Path(__file__).resolve().parents[2] / "static"


def standalone_html(figures, title):
    """One HTML file with plotly.js inside, so it opens anywhere, offline. The charts' ids
    are fixed, not random: the same run gives the same file (and the same address)."""
    plotly_js = (STATIC / PLOTLY_JS).read_text()
    parts = [pio.to_html(f, include_plotlyjs=False, full_html=False, div_id=f"chart-{i}")
             for i, f in enumerate(figures, 1)]
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
    """Each file is made as the panel is drawn (20 to 120 ms, the charts most) and kept by
    Streamlit at an address named by its content, so a click is one plain HTTP download:
    no id a rerun replaces, no reply a rerun drops. A file made on the click (a callable
    as `data`) was asked for over the websocket, and a full rerun near the click dropped
    its id or the reply: no file, or a spinner for 180 s. While the run plays the panel
    is not redrawn: Pause first."""
    s, playing = run.session, run.running
    script, pytorch = export.script(s), torch_script.script(s)
    made = {} if playing else {
        "weights.json": export.weights_json(s), "history.csv": export.history_csv(s),
        "dataset.csv": export.dataset_csv(s.data), "train_network.py": script,
        "train_network_torch.py": pytorch, "charts.html": _charts(s, run.view)}

    def button(column, label, name, mime, icon, tip, **kw):
        # on_click="ignore": a download changes nothing, so the page is not rerun
        column.download_button(label, made.get(name, ""), name, mime=mime, icon=icon,
                               help=tip, on_click="ignore", disabled=playing, **kw)

    if playing:
        st.markdown("Take this run with you: **Pause** first, and each file holds the run "
                    "at the epoch on screen.")
    else:
        st.markdown(f"Take this run with you, as it is now at epoch {s.epoch:,}.")
    c = st.columns(3)
    button(c[0], "Weights (JSON)", "weights.json", "application/json", ":material/data_object:",
           "Every layer's W and b, named by layer, unrounded.")
    button(c[1], "History (CSV)", "history.csv", "text/csv", ":material/table:",
           "Epoch, train and test loss and accuracy, as recorded.")
    button(c[2], "Dataset (CSV)", "dataset.csv", "text/csv", ":material/scatter_plot:",
           "Every point with its label and whether it was train or test.")
    c = st.columns(3)
    button(c[0], "Python script", "train_network.py", "text/x-python", ":material/code:",
           "A NumPy-only script in the tutorial's style that reproduces this run and prints "
           "the same losses.", type="primary")
    button(c[1], "PyTorch script", "train_network_torch.py", "text/x-python",
           ":material/rocket_launch:",
           "The same run as plain PyTorch (nn.Sequential, torch.optim, a training loop) to "
           "keep extending: same points, starting weights and batch order, so it ends at "
           "these weights up to rounding. Run it with --json for the losses and weights as "
           "JSON.")
    button(c[2], "Charts (HTML)", "charts.html", "text/html", ":material/insert_chart:",
           "The decision surface and the loss curve, interactive, in one file that opens "
           "offline.")
    animation_ui(run, "export")
    st.caption("For a picture of a chart, open Charts (HTML): each chart there has a camera "
               "button that saves a PNG.")
    with st.expander("Preview the script"):
        st.code(script, language="python")
    with st.expander("Preview the PyTorch script"):
        st.code(pytorch, language="python")
