"""Links: every setup survives the trip through a URL, and every bad value in a link is
refused by name, falls back to the starting value and is echoed safely for Markdown."""
import math
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.activations import ACTIVATIONS
from playground.config import (FIELDS, INITS, MAX_EPOCHS, MAX_SAMPLES, PRECISIONS, PRESETS,
                               REGULARIZATIONS, Config, from_preset, problems, validated)
from playground.data.features import ALIASES, FEATURES, canonical_feature
from playground.teach.lessons import LESSONS
from playground.teach.links import (CONTROLS, SAFE_PUNCTUATION, LinkSetup, from_query, query_string,
                              safe_quote, to_query)
from playground.optimizers import OPTIMIZERS
from tests.support import draw_problem

DEFAULT = Config()


# -- round trips ----------------------------------------------------------------------
@st.composite
def valid_configs(draw, feature_names=tuple(FEATURES)):
    kind = draw_problem(draw, st)
    loss = kind["loss"]
    return Config(
        dataset=kind["dataset"], problem=kind["problem"], classes=kind["classes"],
        samples=draw(st.integers(4, 5000)),
        noise=draw(st.floats(0, 2)),
        test_fraction=draw(st.floats(0, 0.9)),
        hidden=tuple(draw(st.lists(st.integers(1, 32), min_size=1, max_size=6))),
        activation=draw(st.sampled_from(list(ACTIVATIONS))),
        loss=loss,
        optimizer=draw(st.sampled_from(list(OPTIMIZERS))),
        batch_size=draw(st.integers(0, MAX_SAMPLES)),
        epochs=draw(st.integers(0, MAX_EPOCHS)),
        lr=draw(st.floats(0, 100, exclude_min=True)),
        seed=draw(st.integers(0, 2**32 - 1)),
        regularization=draw(st.sampled_from(list(REGULARIZATIONS))),
        reg_rate=draw(st.floats(0, 10)),
        init=draw(st.sampled_from(list(INITS))),
        features=tuple(draw(st.lists(st.sampled_from(feature_names), min_size=1, max_size=7,
                                     unique_by=canonical_feature))),
        delta_rule=draw(st.booleans()) and loss == "mse" and kind["problem"] == "classification"
        and kind["classes"] == 2,
        precision=draw(st.sampled_from(PRECISIONS)),
        preset=draw(st.sampled_from(["", "tutorial"])),
    )


@settings(max_examples=300, deadline=None)
@given(valid_configs())
def test_any_valid_config_survives_the_round_trip(config):
    assert problems(config) == []
    setup = from_query(to_query(config))
    assert setup.config == config
    assert setup.problems == ()


@settings(max_examples=100, deadline=None)
@given(valid_configs(feature_names=tuple(FEATURES) + tuple(ALIASES)))
def test_feature_aliases_come_back_canonical(config):
    setup = from_query(to_query(config))
    assert setup.config == validated(config) and setup.problems == ()


@settings(max_examples=100, deadline=None)
@given(valid_configs(), st.sampled_from(list(LESSONS)))
def test_the_round_trip_also_holds_from_a_lesson(config, lesson):
    config = config.replace(preset=LESSONS[lesson].config.preset)   # see the next test
    setup = from_query(to_query(config, lesson=lesson))
    assert setup.config == config and setup.lesson == lesson and setup.problems == ()


def test_a_link_with_a_lesson_and_another_preset_says_the_lesson_won():
    lesson = LESSONS["dying-relu"].config
    setup = from_query({"lesson": "dying-relu", "preset": "tutorial", "lr": "0.3"})
    assert setup.lesson == "dying-relu" and setup.config == lesson.replace(lr=0.3)
    assert setup.problems == ("preset: `tutorial` ignored: the link also names the lesson "
                              "dying-relu, and a lesson sets every control; using the lesson",)
    same = from_query({"lesson": "xor-stuck", "preset": "tutorial"})   # the lesson's own preset
    assert same.config == LESSONS["xor-stuck"].config and same.problems == ()


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_survive_the_round_trip(name):
    config = from_preset(name)
    assert from_query(to_query(config)).config == config
    assert from_query({"preset": name}).config == config


def test_feature_aliases_in_a_link_are_read_as_canonical_names():
    setup = from_query({"features": " x1^2, sin(x1),x1*x2 "})
    assert setup.config.features == ("x1_sq", "sin_x1", "x1_x2") and setup.problems == ()
    assert to_query(Config(features=("x1^2", "x1x2")))["features"] == "x1_sq,x1_x2"


def test_to_query_writes_every_field_as_compact_text():
    query = to_query(from_preset("tutorial", lr=1e-5, noise=0.1 + 0.2, reg_rate=10.0))
    assert set(query) == set(FIELDS) - {"formula"}         # formula= only when there is one
    assert to_query(DEFAULT.replace(dataset="formula", formula="x2 > x1"))["formula"] == "x2 > x1"
    assert query["hidden"] == "2" and to_query(DEFAULT)["hidden"] == "8,8"
    assert query["delta_rule"] == "true" and to_query(DEFAULT)["delta_rule"] == "false"
    assert query["lr"] == "1e-05" and query["reg_rate"] == "10"
    assert query["noise"] == "0.30000000000000004"             # %g would lose digits
    assert query["features"] == "x1,x2" and query["preset"] == "tutorial"
    assert to_query(DEFAULT.replace(epochs=1234567))["epochs"] == "1234567"
    assert to_query(DEFAULT.replace(lr=1234567.0))["lr"] == "1234567.0"


@pytest.mark.parametrize("text", ["-0", "-0.0", "-0e5", "+0"])
def test_minus_zero_reads_as_zero_and_is_written_as_0(text):
    setup = from_query({"reg_rate": text, "noise": text})
    assert setup.problems == ()
    assert math.copysign(1, setup.config.reg_rate) == 1 == math.copysign(1, setup.config.noise)
    assert to_query(setup.config)["reg_rate"] == "0" == to_query(setup.config)["noise"]
    assert to_query(DEFAULT.replace(reg_rate=-0.0))["reg_rate"] == "0"     # made elsewhere


def test_lesson_show_and_hide_go_into_the_query_only_when_given():
    assert not {"lesson", "show", "hide"} & set(to_query(DEFAULT))
    query = to_query(DEFAULT, show=("play", "lr"), hide=("tabs",), lesson="dying-relu")
    assert (query["lesson"], query["show"], query["hide"]) == ("dying-relu", "lr,play", "tabs")
    with pytest.raises(ValueError, match="rocket"):
        to_query(DEFAULT, show=("rocket",))
    with pytest.raises(ValueError, match="nope"):
        to_query(DEFAULT, lesson="nope")


def test_query_string_is_url_encoded_and_reads_back():
    config = from_preset("tutorial", hidden=(4, 3), features=("x1", "sin_x2"))
    text = query_string(config, show=("play", "reset"), lesson="xor-four-units")
    assert "hidden=4,3" in text and "show=play,reset" in text and " " not in text
    params = {k: v for k, v in parse_qs(text, keep_blank_values=True).items()}
    setup = from_query(params)
    assert setup.config == config and setup.show == {"play", "reset"}
    assert setup.lesson == "xor-four-units" and setup.problems == ()
    assert query_string(DEFAULT) == urlencode(to_query(DEFAULT)).replace("%2C", ",")


# -- refusals -------------------------------------------------------------------------
BAD = [  # (key, value, words the problem must contain)
    ("lr", "abc", "is not a number"),
    ("lr", "nan", "learning rate must be"),
    ("lr", "inf", "learning rate must be"),
    ("lr", "1e999", "learning rate must be"),
    ("lr", "-0.1", "learning rate must be"),
    ("lr", "0", "learning rate must be"),
    ("lr", "", "(blank) is not a number"),
    ("samples", "999999", "samples must be a whole number from 4 to 5000"),
    ("samples", "-5", "samples must be"),
    ("samples", "1.5", "is not a whole number"),
    ("samples", "9" * 150, "is not a whole number of at most 15 digits"),
    ("samples", "１０００", "is not a plain whole number (ASCII digits 0 to 9 only)"),
    ("samples", "1_000", "is not a plain whole number (no underscores between digits)"),
    ("seed", "٤٢", "is not a plain whole number (ASCII digits"),
    ("batch_size", "9" * 150, "is not a whole number of at most 15 digits"),
    ("lr", "1_0", "is not a plain number (no underscores between digits)"),
    ("lr", "０.１", "is not a plain number (ASCII digits"),
    ("hidden", "８,8", "is not whole numbers separated by commas"),
    ("hidden", "1_6", "is not whole numbers separated by commas"),
    ("noise", "-0.1", "noise must be"),
    ("noise", "NaN", "noise must be"),
    ("noise", "3", "noise must be"),
    ("test_fraction", "0.95", "test fraction must be"),
    ("test_fraction", "-inf", "test fraction must be"),
    ("hidden", "8,x", "is not whole numbers separated by commas"),
    ("hidden", "8,,8", "is not whole numbers"),
    ("hidden", "0", "hidden must be"),
    ("hidden", "33", "hidden must be"),
    ("hidden", "1,1,1,1,1,1,1", "hidden must be"),
    ("dataset", "mnist", "dataset is unknown; choose from xor"),
    ("activation", "swish", "activation is unknown; choose from sigmoid"),
    ("loss", "hinge", "loss is unknown"),
    ("optimizer", "rmsprop", "optimizer is unknown"),
    ("regularization", "l3", "regularization is unknown"),
    ("init", "zeros", "init is unknown"),
    ("precision", "float16", "precision is unknown"),
    ("batch_size", "-1", "batch size must be"),
    ("batch_size", "ten", "is not a whole number"),
    ("batch_size", "111111111111111", "batch size must be 0 (full batch) or a whole number from "
     "1 to 5,000"),
    ("batch_size", str(MAX_SAMPLES + 1), "batch size must be"),
    ("epochs", str(MAX_EPOCHS + 1), "epochs must be"),
    ("seed", str(2**32), "seed must be"),
    ("seed", "-1", "seed must be"),
    ("reg_rate", "11", "regularization rate must be"),
    ("features", "x3", "features must be distinct names"),
    ("features", "x1,x1", "features must be distinct names"),
    ("features", "", "features must be distinct names"),
    ("delta_rule", "maybe", "is not true or false"),
    ("delta_rule", "true", "delta rule goes with the mse loss only"),
    ("preset", "bogus", "is not a preset"),
]


@pytest.mark.parametrize("key, value, words", BAD)
def test_a_bad_value_is_refused_by_name_and_the_default_kept(key, value, words):
    setup = from_query({key: value})
    assert setup.config == DEFAULT
    assert len(setup.problems) == 1
    problem = setup.problems[0]
    assert problem.startswith(f"{key}: ") and words in problem
    assert problem.endswith(f"using {to_query(DEFAULT)[key] or 'none'}")
    assert_markdown_safe(problem)


def test_good_values_next_to_bad_ones_are_kept():
    setup = from_query({"lr": "abc", "hidden": "4,2", "activation": "ReLU", "samples": "0"})
    assert setup.config == DEFAULT.replace(hidden=(4, 2), activation="relu")
    assert [p.split(":")[0] for p in setup.problems] == ["lr", "samples"]


def test_a_refused_value_falls_back_to_the_presets_value():
    setup = from_query({"preset": "tutorial", "hidden": "0", "lr": "abc"})
    assert setup.config == from_preset("tutorial")
    assert setup.problems[0].endswith("using 2")


def test_a_lesson_is_the_starting_point_and_its_values_the_fallback():
    lesson = LESSONS["dying-relu"].config
    setup = from_query({"lesson": "dying-relu", "lr": "-1", "epochs": "50"})
    assert setup.lesson == "dying-relu"
    assert setup.config == lesson.replace(epochs=50)
    assert setup.problems == (f"lr: `-1` refused: learning rate must be a number above 0 and "
                              f"at most 100; using {lesson.lr:g}",)


def test_an_unknown_lesson_is_a_problem_and_the_defaults_are_used():
    setup = from_query({"lesson": "flying"})
    assert setup.lesson == "" and setup.config == DEFAULT
    assert setup.problems[0].startswith("lesson: `flying` is not a lesson")


def test_loss_and_delta_rule_are_accepted_together_in_either_order():
    for params in ({"preset": "tutorial", "loss": "bce", "delta_rule": "false"},
                   {"delta_rule": "false", "loss": "bce", "preset": "tutorial"}):
        setup = from_query(params)
        assert setup.problems == ()
        assert (setup.config.loss, setup.config.delta_rule) == ("bce", False)
    setup = from_query({"preset": "tutorial", "loss": "bce"})
    assert setup.config == from_preset("tutorial")
    assert setup.problems[0].startswith("loss: `bce` refused: the tutorial's delta rule")


def test_unknown_keys_are_named_and_ignored():
    setup = from_query({"color": "red", "lr": "0.5"})
    assert setup.config == DEFAULT.replace(lr=0.5)
    assert setup.problems == ("`color`: unknown setting, ignored",)


def test_dashed_cli_spellings_of_keys_are_accepted():
    setup = from_query({"test-fraction": "0.2", "batch-size": "10"})
    assert setup.config == DEFAULT.replace(test_fraction=0.2, batch_size=10)


def test_a_repeated_key_takes_its_last_value():
    assert from_query({"lr": ["0.5", "0.01"]}).config.lr == 0.01
    assert from_query({"lr": ["abc", "0.3"]}).problems == ()
    assert from_query({"lr": []}) == from_query({})


def test_show_and_hide_are_sets_of_known_controls():
    setup = from_query({"show": " play, Reset,step,,", "hide": "tabs"})
    assert setup.show == {"play", "reset", "step"} and setup.hide == {"tabs"}
    assert setup.problems == () and setup.config == DEFAULT
    empty = from_query({})
    assert empty.show == empty.hide == frozenset() and isinstance(empty, LinkSetup)


def test_unknown_controls_are_dropped_and_named():
    setup = from_query({"show": "play,rocket", "hide": "fuel,tabs,jet"})
    assert setup.show == {"play"} and setup.hide == {"tabs"}
    assert setup.problems[0].startswith("show: `rocket` is not a control; choose from preset")
    assert setup.problems[1].startswith("hide: `fuel,jet` are not controls")


def test_controls_are_the_apps_names():
    assert CONTROLS == ("preset", "problem", "classes", "dataset", "samples", "noise",
                        "test_fraction", "seed", "layers", "activation", "features", "init", "lr", "epochs",
                        "batch_size", "loss", "optimizer", "regularization", "exact", "view",
                        "speed", "play", "pause", "step", "reset", "tabs")


# -- hostile text ---------------------------------------------------------------------
FORBIDDEN = set("<>[]!*_`|\\$~#:/@&{}\n\r\t")
TRUSTED_FORBIDDEN = set("<>[]!*`|\\$~&{}\n\r\t")   # the app's own words may use _ : ( )


def assert_markdown_safe(sentence):
    """Code spans hold only plain characters; the text around them only trusted ones."""
    parts = sentence.split("`")
    assert len(parts) % 2 == 1, f"unbalanced backticks in {sentence!r}"
    for inside in parts[1::2]:
        assert inside and all(ch.isalnum() or ch in SAFE_PUNCTUATION + "…" for ch in inside), \
            sentence
        assert len(inside) <= 40
    for outside in parts[0::2]:
        assert not TRUSTED_FORBIDDEN & set(outside), sentence
        assert "http" not in outside and "www" not in outside, sentence


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "![pic](http://evil.example/x.png)",
    "**bold** _it_ `code` ~~gone~~",
    ":red[alarm] $x^2$ :material/warning:",
    "a|b|c\\d\n# heading\n- item",
    "www.evil.example and http://evil.example",
    "\u202egnp.exe &lt;b&gt; {{7*7}}",
    "`" * 60,
]


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("key", ["lr", "samples", "dataset", "hidden", "features", "delta_rule",
                                 "preset", "lesson", "show", "hide"])
def test_hostile_values_are_refused_and_echoed_harmlessly(key, hostile):
    setup = from_query({key: hostile})
    assert problems(setup.config) == []
    assert len(setup.problems) == 1 and setup.problems[0].startswith(f"{key}: ")
    assert_markdown_safe(setup.problems[0])
    for token in ("<", "](", "[", "*", "javascript:", "://", "$", "{{"):
        assert token not in setup.problems[0]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_keys_are_echoed_harmlessly(hostile):
    setup = from_query({hostile: "1"})
    assert setup.config == DEFAULT and len(setup.problems) == 1
    assert setup.problems[0].endswith(": unknown setting, ignored")
    assert_markdown_safe(setup.problems[0])


def test_long_values_are_cut_to_40_characters_with_an_ellipsis():
    setup = from_query({"dataset": "x" * 150, "lr": "9" * 5000, "lesson": "a" * 100})
    assert len(setup.problems) == 3
    for problem in setup.problems:
        quoted = problem.split("`")[1]
        assert len(quoted) == 40 and quoted.endswith("…")
        assert_markdown_safe(problem)
    assert [p.split(":")[0] for p in setup.problems] == ["dataset", "lr", "lesson"]  # link order
    assert "too long (5,000 characters)" in setup.problems[1]
    assert setup.config == DEFAULT


def test_safe_quote_keeps_plain_text_and_drops_the_rest():
    assert safe_quote("abc 1.5e-3") == "`abc 1.5e-3`"
    assert safe_quote("<b>hi</b>") == "`bhib`"
    assert safe_quote("") == "(blank)" and safe_quote("  ") == "(blank)"
    assert safe_quote("<>[]") == "(symbols only)"
    assert safe_quote("x" * 10, limit=5) == "`xxxx…`"
    assert safe_quote("a\n\tb") == "`a b`"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=30),
                       st.one_of(st.text(max_size=300), st.lists(st.text(max_size=20))),
                       max_size=8))
def test_any_query_gives_a_valid_config_and_safe_problems(params):
    setup = from_query(params)
    assert problems(setup.config) == []
    assert setup.show <= set(CONTROLS) and setup.hide <= set(CONTROLS)
    assert setup.lesson in LESSONS or setup.lesson == ""
    for problem in setup.problems:
        assert_markdown_safe(problem)
    assert all(math.isfinite(getattr(setup.config, f)) for f in ("noise", "lr", "reg_rate"))


def test_a_link_sets_the_problem_type_with_the_settings_that_go_with_it():
    setup = from_query({"classes": "3", "loss": "ce", "dataset": "spiral"})
    assert setup.problems == () and (setup.config.classes, setup.config.loss) == (3, "ce")
    setup = from_query({"problem": "regression", "dataset": "plane", "loss": "mse"})
    assert setup.problems == () and setup.config.output == "linear"
    assert from_query(to_query(setup.config)).config == setup.config


@pytest.mark.parametrize("query, says", [
    ({"classes": "3"}, "classes: `3` refused: moons has 2 classes"),
    ({"classes": "9", "loss": "ce", "dataset": "spiral"}, "classes: `9` refused: classes must be"),
    ({"classes": "three"}, "classes: `three` is not a whole number"),
    ({"problem": "regression"}, "problem: `regression` refused: regression needs a regression"),
    ({"problem": "clustering"}, "problem: `clustering` refused: problem is unknown; choose from"),
])
def test_a_link_with_a_problem_type_that_cannot_run_keeps_the_default_and_says_why(query, says):
    setup = from_query(query)
    assert setup.config.classes == 2
    assert setup.config.problem == "classification"
    assert any(says in p for p in setup.problems), setup.problems
