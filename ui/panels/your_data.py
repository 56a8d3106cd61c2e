"""Your data: the learner's own points, from a CSV file or clicked onto the plane."""
import numpy as np
import streamlit as st

from playground.data.userdata import (MAX_FILE_MB, MAX_POINTS, PointsError, add_point,
                                      check_points, coordinate, first_points, parse_points_csv,
                                      points_csv, remove_nearest)
from ui.controls import held
from ui.state import app_state, current_run

COLOUR_NAMES = ("orange", "blue", "green", "purple", "yellow", "sky blue")  # CLASS_COLOURS'
# The box takes files a little over the cap, so that the app refuses them in its own words
# (a file over the box's limit gets Streamlit's own note instead). The server's
# maxUploadSize in .streamlit/config.toml must be at least this.
UPLOAD_BOX_MB = MAX_FILE_MB + 1


def _problem():
    """(problem, classes) of the run on screen: what a file or a click must fit."""
    c = current_run().session.config
    return c.problem, c.classes


def click_modes(problem, classes):
    """What a click on the plane can do: add a point of each class (regression: one with
    the chosen target), or remove the nearest point."""
    adds = ({"target": "Click adds a point with the target below"} if problem == "regression"
            else {str(k): f"Click adds {COLOUR_NAMES[k]} (class {k})" for k in range(classes)})
    return {"off": "Clicking does nothing", **adds, "remove": "Click removes the nearest point"}


def _shown_points():
    d = current_run().session.data
    return np.concatenate([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test])


def _copy_dataset():
    X, y, cut = first_points(*_shown_points())
    app_state().set_points(X, y, "Your points: a copy of the current dataset, to edit"
                           + (f": {cut}." if cut else "."))


def _clear_points():
    state = app_state()
    state.clear_points("Back to the generated dataset.")
    state.clear_upload()


def on_point_click(x1, x2):
    """A click on the plane, in data coordinates (from the live view). The values come
    from the page, so they are checked as a file's are; a refused click says why."""
    state = app_state()
    mode = st.session_state.get("click_mode", "off")
    problem, classes = _problem()
    if mode not in click_modes(problem, classes) or mode == "off":
        return
    if state.points is None:
        _copy_dataset()
    X, y = state.points
    try:
        x1, x2 = coordinate("x1", x1), coordinate("x2", x2)
        if mode == "remove":
            bounds = current_run().session.bounds
            X, y = remove_nearest(X, y, x1, x2, radius=0.05 * (bounds[1] - bounds[0]))
        else:
            value = st.session_state.get("click_target", 0.5) if mode == "target" else int(mode)
            X, y = add_point(X, y, x1, x2, value, problem, classes)
    except PointsError as e:
        state.say(f"That click was not used: {e}.")
        return
    state.set_points(X, y, f"Your points: {len(y)} now.")


def _read_upload(upload):
    """Use an uploaded file's points, or say why not and empty the box; then a full run,
    so what it says and the new network appear together."""
    state = app_state()
    state.seen_file = upload.file_id
    try:
        problem, classes = _problem()
        parsed = parse_points_csv(upload.getvalue(), problem=problem, classes=classes)
    except PointsError as e:
        state.clear_upload()
        state.upload_error = f"That file was not used: {e}. Your previous points are unchanged."
    else:
        notes = "".join(f" {note}" for note in parsed.notes)
        state.set_points(parsed.X, parsed.y,
                         f"Your points from {len(parsed.y):,} rows of the file.{notes}")
    st.rerun()


def mydata_ui(run):
    state = app_state()
    problem, classes = _problem()
    what = ("`x1,x2,target` (a real number)" if problem == "regression" else
            f"`x1,x2,label` (label 0 to {classes - 1})")
    st.markdown(f"**Your own points.** Upload a CSV file with columns {what}, or click the "
                "plane above to add and remove points.")
    with st.container(key="points_file"):
        upload = st.file_uploader(
            "Points file (CSV)", type=["csv", "txt"], key=f"points_file_{state.upload_round}",
            max_upload_size=UPLOAD_BOX_MB,
            help=f"One point per row: x1, x2 and its class (0 to {classes - 1}), or for "
                 f"regression its target, separated by commas. At most {MAX_POINTS:,} points "
                 f"and {MAX_FILE_MB} MB; the first row may be the header x1,x2,label (or "
                 "x1,x2,target).")
    if upload is not None and state.seen_file != upload.file_id:
        _read_upload(upload)
    if state.upload_error:
        st.error(state.upload_error)
        state.upload_error = None
    modes = click_modes(problem, classes)
    if st.session_state.get("click_mode") not in modes:
        # Not yet chosen, unselected, or a class the problem no longer has.
        st.session_state["click_mode"] = "off"
    st.segmented_control("Clicking the plane", list(modes), key="click_mode",
                         default=held("click_mode"),
                         format_func=modes.get,
                         help="Choose what a click on the decision surface does. Each change "
                              "starts the network again on the new points.")
    if problem == "regression":
        st.slider("Target for clicked points", -1.0, 1.0, 0.5, 0.1, key="click_target",
                  help="The value a clicked point asks the network to predict there: orange "
                       "is -1, white 0, blue +1.")
    c1, c2, c3 = st.columns(3)
    c1.button("Edit a copy of the current data", on_click=_copy_dataset,
              help=f"Start your own points from the dataset on screen (its first "
                   f"{MAX_POINTS:,} points at most).")
    c2.button("Back to the generated data", on_click=_clear_points, disabled=state.points is None,
              help="Forget your points and use the dataset chosen in the sidebar.")
    c3.download_button("Download these points (CSV)", points_csv(*_shown_points(), problem), "points.csv",
                       mime="text/csv", on_click="ignore",
                       help="The points on screen, train and test together.")
    if state.points is not None:
        try:
            check_points(*state.points, problem)
            st.caption(f"Using your {len(state.points[1])} points.")
        except PointsError as e:
            st.caption(f"Your {len(state.points[1])} points can't train yet: {e}.")
