"""The live diagram's + and − and feature switches (ui/controls.py NETWORK_CHANGES) on
the sidebar's keys, as a plain dict: what each click changes, and what it refuses."""
from playground.config import MAX_LAYERS, MAX_UNITS
from ui.controls import NETWORK_CHANGES


def state(**changed):
    s = {"layers": 2, "units_1": 8, "units_2": 8, "units_3": 4, "features": ["x1", "x2"]}
    return {**s, **changed}


def click(s, change, layer=None, feature=None):
    return NETWORK_CHANGES[change](s, layer, feature)


def test_plus_and_minus_change_the_sidebars_keys():
    s = state()
    assert click(s, "add_layer") == "" and s["layers"] == 3
    assert click(s, "remove_unit", 1) == "" and s["units_1"] == 7
    assert click(s, "add_unit", 3) == "" and s["units_3"] == 5
    assert click(s, "remove_layer") == "" and s["layers"] == 2


def test_a_feature_switches_and_keeps_the_features_order():
    s = state()
    assert click(s, "feature", feature="x1_sq") == "" and s["features"] == ["x1", "x2", "x1_sq"]
    assert click(s, "feature", feature="x1") == "" and s["features"] == ["x2", "x1_sq"]


def test_what_cannot_be_is_refused_with_a_sentence_and_nothing_changes():
    cases = [(state(layers=MAX_LAYERS), "add_layer", None, None, "most hidden layers"),
             (state(layers=1), "remove_layer", None, None, "at least one hidden layer"),
             (state(units_1=MAX_UNITS), "add_unit", 1, None, f"most units here, {MAX_UNITS}"),
             (state(units_2=1), "remove_unit", 2, None, "needs at least one unit"),
             (state(), "add_unit", 3, None, "There is no hidden layer 3."),
             (state(features=["x2"]), "feature", None, "x2", "x₂ stayed"),
             (state(), "feature", None, "x3", "There is no input feature 'x3'.")]
    for s, change, layer, feature, why in cases:
        before = dict(s)
        said = click(s, change, layer, feature)
        assert why in said and said.endswith("."), (change, said)
        assert s == before, change
