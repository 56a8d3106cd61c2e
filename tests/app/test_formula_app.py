"""The formula dataset in the app: a typed formula draws the points, a refused one is
said under the box and the points it drew before stay."""
import numpy as np
from streamlit.testing.v1 import AppTest

from tests.support import APP


def formula_app(**query):
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.query_params.update({"dataset": "formula", "samples": "200", **query})
    app.run()
    assert not app.exception and not app.error
    return app


def data(app):
    return app.session_state["app"].run.session.data


def test_a_typed_formula_draws_the_points_written_back_from_its_tree():
    app = formula_app(formula="x2 > sin(3*x1)")
    assert app.text_input(key="formula_text").value == "x2 > sin(3*x1)"
    assert "x1**2 + x2**2 < 0.5" in app.text_input(key="formula_text").help   # a tooltip
    app.text_input(key="formula_text").set_value("x1**2+x2**2<0.5").run()
    assert not app.exception and not app.error
    session = app.session_state["app"].run.session
    assert session.config.formula == "x1**2 + x2**2 < 0.5"
    assert app.text_input(key="formula_text").value == "x1**2 + x2**2 < 0.5"
    d = session.data
    X = np.concatenate([d.X_train, d.X_test])      # noise 0.1 blurs the edge:
    y = np.concatenate([d.y_train, d.y_test])       # most points match the disc
    assert np.mean((X[:, 0]**2 + X[:, 1]**2 < 0.5) == y) > 0.8
    assert app.query_params["formula"] == "x1**2 + x2**2 < 0.5"         # the link follows


def test_a_refused_formula_is_said_under_the_box_and_the_dataset_stays():
    app = formula_app(formula="x2 > sin(3*x1)")
    before = data(app)
    app.text_input(key="formula_text").set_value("__import__('os').system('ls')").run()
    assert not app.exception
    (error,) = app.sidebar.error
    assert error.value.startswith("`__import__` is not allowed: use x1, x2")
    assert "still come from `x2 > sin(3*x1)`" in error.value
    assert data(app) is before and app.session_state["app"].run.session.config.formula == \
        "x2 > sin(3*x1)"
    assert app.text_input(key="formula_text").value == "__import__('os').system('ls')"
    app.text_input(key="formula_text").set_value("x1 > 5").run()
    assert "false at every point" in app.sidebar.error[0].value and data(app) is before
    app.text_input(key="formula_text").set_value("x2 > x1").run()
    assert not app.sidebar.error and data(app) is not before


def test_regression_switches_to_a_number_formula_and_the_formula_lesson_loads():
    app = formula_app(formula="x2 > sin(3*x1)")
    app.selectbox(key="problem").set_value("regression").run()
    assert not app.exception and not app.error
    config = app.session_state["app"].run.session.config
    assert (config.dataset, config.formula, config.problem) == ("formula", "sin(3*x1)*x2",
                                                                "regression")
    app.segmented_control(key="panel").set_value("Lessons").run()
    app.button(key="lesson_sine-needs-units").click().run()
    assert not app.exception and not app.error
    assert app.session_state["app"].run.session.config.formula == "x2 > sin(8*x1)"
    assert app.text_input(key="formula_text").value == "x2 > sin(8*x1)"
