"""Your data: the learner's own points, from a CSV file or clicked onto the plane."""
import numpy as np
import streamlit as st

from playground.data.userdata import (PointsError, add_point, check_points, parse_points_csv,
                                      points_csv, remove_nearest)

CLICK_MODES = {"off": "Clicking does nothing", "0": "Click adds orange (class 0)",
               "1": "Click adds blue (class 1)", "remove": "Click removes the nearest point"}


def set_points(X, y, why):
    """Use these points (train and test) from now on; the network starts again."""
    st.session_state["points"] = (np.asarray(X, float), np.asarray(y, float))
    st.session_state["points_changed"] = why


def _copy_dataset():
    d = st.session_state["run"].session.data
    set_points(np.concatenate([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test]),
               "Your points: a copy of the current dataset, to edit.")


def _clear_points():
    st.session_state["points"] = None
    st.session_state["points_changed"] = "Back to the generated dataset."


def on_point_click(x1, x2):
    """A click on the plane, in data coordinates (from the live view)."""
    mode = st.session_state.get("click_mode", "off")
    points = st.session_state.get("points")
    if mode == "off":
        return
    if points is None:
        _copy_dataset()
        points = st.session_state["points"]
    X, y = points
    if mode == "remove":
        bounds = st.session_state["run"].session.bounds
        X, y = remove_nearest(X, y, x1, x2, radius=0.05 * (bounds[1] - bounds[0]))
    else:
        X, y = add_point(X, y, x1, x2, int(mode))
    set_points(X, y, f"Your points: {len(y)} now.")


def mydata_ui(run):
    points = st.session_state.get("points")
    st.markdown("**Your own points.** Upload a CSV file with columns `x1,x2,label` (label 0 or "
                "1), or click the plane above to add and remove points.")
    upload = st.file_uploader("Points file (CSV)", type=["csv", "txt"], key="points_file",
                              help="One point per row: x1, x2 and its class, 0 or 1. At most "
                                   "2,000 points; the first row may be the header x1,x2,label.")
    if upload is not None and st.session_state.get("points_file_seen") != upload.file_id:
        st.session_state["points_file_seen"] = upload.file_id
        try:
            parsed = parse_points_csv(upload.getvalue())
        except PointsError as e:
            st.error(f"That file was not used: {e}. Your previous points are unchanged.")
        else:
            set_points(parsed.X, parsed.y, f"Your points from {len(parsed.y)} rows of the file.")
            for note in parsed.notes:
                st.info(note)
            st.rerun()
    st.segmented_control("Clicking the plane", list(CLICK_MODES), key="click_mode",
                         format_func=CLICK_MODES.get, default="off",
                         help="Choose what a click on the decision surface does. Each change "
                              "starts the network again on the new points.")
    c1, c2, c3 = st.columns(3)
    c1.button("Edit a copy of the current data", on_click=_copy_dataset,
              help="Start your own points from the dataset on screen.")
    c2.button("Back to the generated data", on_click=_clear_points, disabled=points is None,
              help="Forget your points and use the dataset chosen in the sidebar.")
    d = run.session.data
    X, y = np.concatenate([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test])
    c3.download_button("Download these points (CSV)", points_csv(X, y), "points.csv",
                       mime="text/csv", on_click="ignore",
                       help="The points on screen, train and test together.")
    if points is not None:
        try:
            check_points(*points)
            st.caption(f"Using your {len(points[1])} points.")
        except PointsError as e:
            st.caption(f"Your {len(points[1])} points can't train yet: {e}.")
