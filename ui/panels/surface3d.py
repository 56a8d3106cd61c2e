"""3-D view: the network's output over the plane as a surface you can turn and zoom.
It is built when the panel opens and the run is paused, or when asked while playing: never
on every tick, so the live view keeps its pace."""
import streamlit as st

from playground.figures.surface3d import surface3d_figure
from playground.pictures import plane
from ui.state import app_state, current_run

GRID = 60           # points per side of the surface: smooth enough, light to send
CAPTIONS = {
    "sigmoid": "The output of the network over the plane: height is P(class 1), the dark line "
               "is the 0.5 boundary, the points sit at their label's height (orange at 0, blue "
               "at 1).",
    "softmax": "Height is the probability of the most likely class, coloured by that class: "
               "valleys are where the network hesitates between classes. The points sit at "
               "height 1 in their class's colour.",
    "linear": "Height is the predicted value (regression), the dark line is where it is 0, "
              "and each point sits at its target.",
}


def _build():
    run = current_run()
    s = run.session
    key = (run.mount, s.epoch, run.view["show_test"])
    surface = plane.class_surfaces(s, GRID) if s.output == "softmax" else plane.surface(s, GRID)
    figure = surface3d_figure(surface, s.bounds, s.data, run.view["show_test"],
                              title=f"epoch {s.epoch:,}", regression=s.output == "linear")
    app_state().surface3d = (key, figure)


def surface3d_ui(run):
    s = run.session
    cached = app_state().surface3d
    key = (run.mount, s.epoch, run.view["show_test"])
    if run.running:
        st.button("Update the 3-D view", key="surface3d_update", on_click=_build,
                  icon=":material/refresh:",
                  help="Training is playing: the 3-D view shows the moment you pressed this "
                       "(or the last pause). It is not redrawn on its own while playing, so the "
                       "live view keeps its speed.")
        if not cached or cached[0][0] != run.mount:
            _build()
            cached = app_state().surface3d
    elif not cached or cached[0] != key:
        _build()
        cached = app_state().surface3d
    st.caption(CAPTIONS[s.output] + " Drag to turn, scroll to zoom, double-click to reset "
               "the view.",
               help="The flat map above shows the same numbers as colours. Seen as heights, "
                    "steep walls are where the network is sure and changes its mind fast; "
                    "flat shelves near 0.5 are where it is unsure.")
    st.plotly_chart(cached[1], key="surface3d_chart", config={"displaylogo": False})
