"""The sidebar: every setting as a widget with a learner's tooltip, read back as a Config.

Widget keys are the Config's field names (plus `layers`, `units_1`..`units_6`), so a
preset or a link sets a widget by writing st.session_state[field] before it is drawn.
"""
import streamlit as st

from playground.activations import ACTIVATIONS, labels
from playground.config import (MAX_LAYERS, MAX_UNITS, PRESETS, Config, datasets_for,
                               losses_for)
from playground.inits import INITS
from playground.outputs import MAX_CLASSES, MIN_CLASSES, PROBLEMS
from playground.data.datasets import FORMULA, LABELS as DATASETS, NOISE
from playground.data.features import LABELS as FEATURES
from playground.data.formula import EXAMPLES, FormulaError, checked
from playground.losses import LOSSES
from playground.optimizers import OPTIMIZERS
from playground.regularizations import REGULARIZATIONS
from ui.dataset_pictures import dataset_pictures_ui
from ui.live.playback import DEFAULT_SPEED, watchable_speed
from ui.links import shown
from ui.state import app_state

LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
REG_RATES = [0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
BATCH_SIZES = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500]
PRESET_NAMES = {"default": "Playground default", "tutorial": "The tutorial's network"}
VIEW_DEFAULTS = {"show_test": True, "discretize": False, "log_scale": False, "speed": DEFAULT_SPEED}


def widget_values(config: Config) -> dict:
    """The session-state entries that make the widgets show `config`."""
    values = {f: getattr(config, f) for f in Config.__dataclass_fields__ if f != "hidden"}
    values["features"] = list(config.features)
    values["layers"] = len(config.hidden)
    for i in range(MAX_LAYERS):
        values[f"units_{i + 1}"] = config.hidden[i] if i < len(config.hidden) else 4
    values["preset"] = config.preset or "default"
    values["formula"] = values["formula_text"] = config.formula or EXAMPLES[config.problem]
    return values


def set_widgets(config: Config):
    st.session_state.update(widget_values(config))


# The widgets whose value the server sets itself (a preset, a link, the diagram's + and −,
# Regenerate, a lesson's speed): a stale value the page sends back for one is put right
# (ui/live/view.py outside_changes). Not a button's: Streamlit refuses to set those.
SETTABLE = frozenset(widget_values(Config())) | frozenset(VIEW_DEFAULTS)


def init_state(config: Config):
    """Give every widget its starting value once per browser session (a lesson's link
    plays at the lesson's watchable speed, as its Load button sets it)."""
    view = dict(VIEW_DEFAULTS)
    if app_state().lesson:
        view["speed"] = watchable_speed(config.epochs)
    for key, value in {**widget_values(config), **view}.items():
        st.session_state.setdefault(key, value)


def _apply_preset():
    name = st.session_state["preset"]
    from playground.config import from_preset
    set_widgets(from_preset(name))


def _change_layers(delta):
    st.session_state["layers"] = min(MAX_LAYERS, max(1, st.session_state["layers"] + delta))


def _one_feature_stays(kept):
    return ("The network needs at least one input feature, so "
            f"{', '.join(FEATURES[f] for f in kept)} stayed.")


def _keep_a_feature():
    """Refuse an empty choice of input features: the network needs at least one, so the
    box goes back to the features in use, and says so."""
    if not st.session_state["features"]:
        kept = app_state().run.session.config.features
        st.session_state["features"] = list(kept)
        app_state().say(_one_feature_stays(kept))


# The live diagram's + and − and its feature switches (schema.TRIGGERS `network`), on the
# sidebar's own keys, so the sidebar and the link follow. Each takes the session state,
# the hidden layer (1-based) and the feature, changes them, and returns "" or why not.
def _add_layer(s, layer, feature):
    if s["layers"] >= MAX_LAYERS:
        return f"The network already has the most hidden layers here, {MAX_LAYERS}."
    s["layers"] += 1
    return ""


def _remove_layer(s, layer, feature):
    if s["layers"] <= 1:
        return "The network needs at least one hidden layer."
    s["layers"] -= 1
    return ""


def _units(delta):
    def change(s, layer, feature):
        if not (isinstance(layer, int) and 1 <= layer <= s["layers"]):
            return f"There is no hidden layer {layer}."
        units = s[f"units_{layer}"] + delta
        if units > MAX_UNITS:
            return f"Hidden layer {layer} already has the most units here, {MAX_UNITS}."
        if units < 1:
            return (f"Hidden layer {layer} needs at least one unit: the − beside "
                    "'hidden layers' removes a layer.")
        s[f"units_{layer}"] = units
        return ""
    return change


def _switch_feature(s, layer, feature):
    if feature not in FEATURES:
        return f"There is no input feature {feature!r}."
    on = set(s["features"]) ^ {feature}
    if not on:
        return _one_feature_stays(s["features"])
    s["features"] = [f for f in FEATURES if f in on]
    return ""


NETWORK_CHANGES = {"add_layer": _add_layer, "remove_layer": _remove_layer,
                   "add_unit": _units(1), "remove_unit": _units(-1),
                   "feature": _switch_feature}
# Which sidebar control (a link may hide it) each change stands for.
CHANGED_CONTROL = {"feature": "features"}


def change_network(change, layer=None, feature=None):
    """A click on the live diagram, done as the sidebar would do it; a change that cannot
    be (the last feature, past a limit) is refused with a sentence."""
    if change not in NETWORK_CHANGES or not shown(CHANGED_CONTROL.get(change, "layers")):
        return
    why = NETWORK_CHANGES[change](st.session_state, layer, feature)
    if why:
        app_state().say(why)


def _regenerate():
    st.session_state["seed"] = (st.session_state["seed"] + 1) % 2**32


def held(key):
    """What the session holds for widget `key`, given to the widget as its default too.

    A widget whose code reaches the page late (a cold server, a busy machine) mounts with
    the newest run's element, and unless that run set the value itself, the element
    carries only its default: the speed came up at 1, not 100, and the page's next
    message made it so (CI saw it). With the held value as its default, a late widget
    shows what the server has. (.streamlit/config.toml turns off Streamlit's warning
    that a default and the Session State API both give the value.)"""
    return st.session_state[key]


def held_index(key, options):
    """held() for a selectbox or radio: the held value's place among `options`."""
    options, value = list(options), held(key)
    return options.index(value) if value in options else 0


def choose(control, label, names, help, on_change=None):
    """A selectbox over a table's names (shown by label), if the link shows this control."""
    if shown(control):
        st.selectbox(label, list(names), key=control, format_func=names.get, help=help,
                     index=held_index(control, names), on_change=on_change)


def _follow_dataset():
    """After the dataset changed: the noise it starts from (NOISE: every arm and cluster
    crisp), unless the learner had moved the noise away from the old dataset's."""
    s, run = st.session_state, app_state().run
    old = run.session.config.dataset if run else None
    if old in NOISE and s["noise"] == NOISE[old]:
        s["noise"] = NOISE[s["dataset"]]


def _pick_dataset(name):
    """A dataset picture was clicked: as if picked in the Dataset box."""
    st.session_state["dataset"] = name
    _follow_dataset()


def _problem_type():
    """(problem, classes) as the sidebar (or a link, or a lesson) set them."""
    return st.session_state["problem"], st.session_state["classes"]


def _fit_problem_type():
    """After the problem type or the classes changed: the dataset and the loss follow (the
    first that fits when the old one does not), and the tutorial's delta rule goes unless
    the output is still one sigmoid unit. sync_run then starts a new network and says so."""
    s = st.session_state
    if s["problem"] == "regression":
        s["classes"] = 2
    datasets, losses = datasets_for(*_problem_type()), losses_for(*_problem_type())
    if s["dataset"] not in datasets:
        s["dataset"] = datasets[0]
        _follow_dataset()
    if s["loss"] not in losses:
        s["loss"] = losses[0]
    if s["problem"] == "regression" or s["classes"] > 2:
        s["delta_rule"] = False
    _fit_formula()
    if app_state().points is not None:
        app_state().clear_points("Your points were labelled for the other problem type, so "
                                 "the generated dataset is back.")


def _fit_formula():
    """A yes/no formula makes classes and a number targets: after the problem type changed,
    the formula becomes the example for the new type if it no longer fits."""
    s = st.session_state
    try:
        checked(s["formula"], s["problem"])
    except FormulaError:
        s["formula"] = s["formula_text"] = EXAMPLES[s["problem"]]
        app_state().formula_error = None


def _take_formula():
    """Use the typed formula, written back from its checked tree, if it can make this
    problem's data; else keep the last one and say why under the box."""
    s = st.session_state
    try:
        s["formula"] = s["formula_text"] = checked(s["formula_text"], s["problem"]).text
        app_state().formula_error = None
    except FormulaError as e:
        app_state().formula_error = str(e)


def formula_ui():
    """The formula dataset's text box, its refusal under it, and what is drawn meanwhile."""
    s = st.session_state
    s.setdefault("formula_text", s["formula"])     # Streamlit drops it while the box is hidden
    st.text_input("Formula", held("formula_text"), key="formula_text", on_change=_take_formula,
                  placeholder=EXAMPLES[s["problem"]],
                  help="Your own data, over x1 and x2 from -1 to 1. Classification: a yes/no "
                       "formula such as x2 > sin(3*x1) or x1**2 + x2**2 < 0.5 (true is class "
                       "1). Regression: a number such as sin(3*x1)*x2. Use + - * / **, "
                       "comparisons, and/or/not, pi and sin cos tan exp log sqrt abs tanh.")
    error = app_state().formula_error
    if error and s["formula_text"] != s["formula"]:
        st.error(f"{error} The points still come from `{s['formula']}`.",
                 icon=":material/error:")


def problem_ui():
    """Problem type and classes, on top as in TensorFlow Playground: every menu below
    offers only what fits them."""
    if shown("problem"):
        st.selectbox("Problem type", PROBLEMS, key="problem", format_func=str.capitalize,
                     index=held_index("problem", PROBLEMS), on_change=_fit_problem_type,
                     help="Classification: each point belongs to one of a few classes and the "
                          "network gives each class a probability. Regression: each point has "
                          "a number and the network predicts it (one linear output unit).")
    if shown("classes"):
        st.slider("Classes", MIN_CLASSES, MAX_CLASSES, held("classes"), key="classes",
                  on_change=_fit_problem_type,
                  disabled=st.session_state["problem"] == "regression",
                  help="How many classes the points fall into. Two: one sigmoid output unit, "
                       "the tutorial's. Three or more: one softmax unit per class, trained "
                       "with cross-entropy.")


def _fitting(names, allowed):
    """The menu's names that fit the problem type, in the menu's order."""
    return {name: label for name, label in names.items() if name in allowed}


def _with(options, value):
    """Options for a select widget, including a value that came from a link or preset."""
    return options if value in options else sorted(set(options) | {value})


def data_ui():
    if not any(shown(c) for c in ("dataset", "samples", "noise", "test_fraction", "seed")):
        return
    st.subheader("Data")
    names = _fitting(DATASETS, datasets_for(*_problem_type()))
    if shown("dataset"):
        dataset_pictures_ui(list(names), st.session_state["classes"], _pick_dataset)
    choose("dataset", "Dataset", names,
           "The points to learn from. XOR is the tutorial's four corner points; the others are "
           "clouds of points, each class in its own colour (regression: a number per point, "
           "shown on an orange-white-blue scale). Picking one sets the noise it looks crisp at, "
           "unless you had moved the noise.", _follow_dataset)
    if shown("dataset") and st.session_state["dataset"] == FORMULA:
        formula_ui()
    xor = st.session_state["dataset"] == "xor"
    if shown("samples"):
        st.slider("Number of points", 4, 5000, held("samples"), step=1, key="samples", disabled=xor,
                  help="How many points, train and test together. More points show the shape "
                       "better but make each epoch slower.")
    if shown("noise"):
        st.slider("Noise", 0.0, 2.0, held("noise"), step=0.01, key="noise", disabled=xor,
                  help="How far points are jittered from the clean shape (a standard deviation). "
                       "Noisy data overlaps, so no network can get every point right.")
    if shown("test_fraction"):
        st.slider("Test fraction", 0.0, 0.9, held("test_fraction"), step=0.05, key="test_fraction",
                  disabled=xor,
                  help="The share of points held back from training. The network never learns "
                       "from them; their loss shows whether it generalizes or just memorizes.")
    if shown("seed"):
        st.number_input("Seed", 0, 2**32 - 1, held("seed"), step=1, key="seed",
                        help="Fixes the random draws: the data, the starting weights and the "
                             "shuffling. The same seed always gives the same run.")
        st.button("Regenerate", on_click=_regenerate, width="stretch",
                  help="Draw new data and new starting weights (the seed goes up by one).")


def network_ui():
    if not any(shown(c) for c in ("layers", "activation", "features", "init")):
        return
    st.subheader("Network")
    if shown("layers"):
        layers_ui()
    choose("activation", "Activation", labels(ACTIVATIONS),
           "The bend each hidden unit applies to its weighted sum. Without one (linear), any "
           "number of layers can only draw a straight boundary.")
    if shown("features"):
        st.multiselect("Input features", list(FEATURES), held("features"), key="features",
                       format_func=FEATURES.get, on_change=_keep_a_feature,
                       help="What the first layer sees. Extra features such as x₁² or x₁·x₂ "
                            "hand the network curved shapes it would otherwise have to build.")
    choose("init", "Initial weights", labels(INITS),
           "How the starting weights are drawn. Xavier and He scale them to the layer size so "
           "signals neither vanish nor explode at the start.")


def layers_ui():
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    c1.markdown(f"**{st.session_state['layers']} hidden layer"
                f"{'s' * (st.session_state['layers'] != 1)}**")
    c2.button("−", key="remove_layer", on_click=_change_layers, args=(-1,),
              disabled=st.session_state["layers"] <= 1, help="Remove the last hidden layer.")
    c3.button("+", key="add_layer", on_click=_change_layers, args=(1,),
              disabled=st.session_state["layers"] >= MAX_LAYERS,
              help="Add a hidden layer: the network can then combine the shapes the "
                   "layer before it found.")
    for i in range(1, st.session_state["layers"] + 1):
        st.slider(f"Units in hidden layer {i}", 1, MAX_UNITS, held(f"units_{i}"), key=f"units_{i}",
                  help="Each unit draws one bent line (or curve) across the plane; more units "
                       "can carve more complex regions.")


def training_ui():
    if not any(shown(c) for c in ("lr", "epochs", "batch_size", "loss", "optimizer",
                                  "regularization", "exact")):
        return
    st.subheader("Training")
    if shown("lr"):
        st.select_slider("Learning rate", _with(LEARNING_RATES, held("lr")), held("lr"), key="lr",
                         help="How big a step each update takes down the slope of the loss. Too "
                              "small crawls; too large overshoots and can blow up. Takes effect "
                              "mid-run.")
    if shown("epochs"):
        st.number_input("Epochs to run", 0, 10_000_000, held("epochs"), step=1000, key="epochs",
                        help="Training stops by itself after this many passes over the "
                             "training points.")
    if shown("batch_size"):
        sizes = _with(BATCH_SIZES, held("batch_size"))
        st.selectbox("Batch size", sizes, held_index("batch_size", sizes), key="batch_size",
                     format_func=lambda b: "Full batch" if b == 0 else str(b),
                     help="Points per update. Full batch follows the true slope; small batches "
                          "take many noisy steps per epoch.")
    choose("loss", "Loss", _fitting(labels(LOSSES), losses_for(*_problem_type())),
           "How wrongness is scored. Cross-entropy punishes confident mistakes hard; squared "
           "error is the tutorial's choice.")
    choose("optimizer", "Optimizer", labels(OPTIMIZERS),
           "How gradients become steps: plain descent (the tutorial's), momentum (keeps rolling "
           "in a steady direction) or Adam (adapts each weight's step size). Takes effect "
           "mid-run.")
    if shown("regularization"):
        c1, c2 = st.columns(2)
        c1.selectbox("Regularization", list(REGULARIZATIONS), key="regularization",
                     index=held_index("regularization", REGULARIZATIONS),
                     format_func=labels(REGULARIZATIONS).get,
                     help="A pull of every weight toward zero: L2 shrinks big weights, L1 pushes "
                          "small ones to exactly zero. Helps an oversized network generalize.")
        c2.select_slider("Rate", _with(REG_RATES, held("reg_rate")), held("reg_rate"),
                         key="reg_rate",
                         disabled=st.session_state["regularization"] == "none",
                         help="How strong the pull toward zero is.")
    if shown("exact"):
        exact_ui()


def exact_ui():
    with st.expander("Exact arithmetic"):
        st.toggle("Tutorial's update rule", held("delta_rule"), key="delta_rule",
                  disabled=st.session_state["loss"] != "mse",
                  help="Update as the tutorial's code does: errors summed over the batch "
                       "with no 2/N factor (only with squared error).")
        precisions = ["float32", "float64"]
        st.radio("Precision", precisions, held_index("precision", precisions), key="precision",
                 horizontal=True,
                 help="float32 trains faster; float64 reproduces the tutorial's numbers "
                      "exactly.")


def view_ui():
    if not shown("view"):
        return
    st.subheader("View")
    st.toggle("Show test points", held("show_test"), key="show_test",
              help="Draw the held-out test points (hollow diamonds) over the surface.")
    st.toggle("Discretize output", held("discretize"), key="discretize",
              help="Colour each region by the class the network would predict, instead of "
                   "by its probability.")
    st.toggle("Log scale for loss", held("log_scale"), key="log_scale",
              help="A logarithmic loss axis shows progress that a linear axis flattens.")


def config_from_state() -> Config:
    """The Config the widgets currently show (not yet validated)."""
    s = st.session_state
    fields = {f: s[f] for f in Config.__dataclass_fields__ if f not in ("hidden", "features")}
    fields["preset"] = "" if s["preset"] == "default" else s["preset"]
    fields["formula"] = s["formula"] if s["dataset"] == FORMULA else ""
    if fields["delta_rule"] and fields["loss"] != "mse":
        fields["delta_rule"] = False
    return Config(**fields, hidden=tuple(s[f"units_{i + 1}"] for i in range(s["layers"])),
                  features=tuple(s["features"]))


SIDEBAR_LATER = "The settings are on their way…"   # a page's first run (streamlit_app.py)


def sidebar_ui():
    """Draw the sidebar (its values are read before, by config_from_state)."""
    with st.sidebar:
        if shown("preset"):
            st.selectbox("Preset", list(PRESETS), held_index("preset", PRESETS), key="preset",
                         on_change=_apply_preset,
                         format_func=lambda p: PRESET_NAMES.get(p, p),
                         help="Load a ready-made setup. The tutorial's network is the 2-2-1 "
                              "sigmoid network on XOR from 'Implementing a Neural Network from "
                              "Scratch'.")
        problem_ui()
        data_ui()
        network_ui()
        training_ui()
        view_ui()
