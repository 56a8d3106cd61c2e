"""The live view's messages, written down once: what the server sends the page (the
payload and each frame in it) and what the page sends back (its triggers).

`Playback.payload()` builds these dicts, `live.js` reads them through the `SCHEMA`
constant that view.py puts in front of it (so a renamed key fails in both at once),
and the tests check every payload against `check_payload`.
"""
import json

# Server -> page: the component's `data`, sent with every run of the live fragment.
PAYLOAD = {
    "mount": "int: identifies the network; a new one makes the page start afresh",
    "seq": "int: counts batches of frames; the page plays a batch once",
    "running": "bool: training plays; false shows the last frame at once",
    "tick_ms": "int: how long the page takes to play one batch",
    "n": "int: the surface's grid size (n x n)",
    "unit_n": "int: each unit picture's grid size",
    "frames": "list of FRAME: this batch (paused: only the last)",
    "lut": "base64 of 256 x RGB: the surface's colour for each uint8 value (per problem "
           "type: see FRAME z)",
    "unit_lut": "base64 of 256 x RGB: the same for the hidden units' pictures, -1 to +1 "
                "(never discretized; orange-white-blue, greys for 3+ classes)",
    "output_luts": "list of base64 of 256 x RGB, one per output unit: P(class k) from white "
                   "to class k's colour (3 to 6 classes); [] when the outputs use unit_lut",
    "legend": "[[name, colour], ...]: what the surface's and the points' colours mean "
              "(each class, or regression's -1, 0, +1)",
    "discrete": "bool: paint the surface as sharp classes, not smoothed",
    "specs": "{name: {version, figure}}: Plotly figures the page lacks (points, loss, "
             "diagram), by the page's own word (`have`, `want`); empty until it has said",
    "versions": "{name: version}: the figures the page should show now; one it lacks "
                "(a payload overtaken before the page saw it) it asks for with `have`",
    "units_xy": "[[x, y], ...]: each hidden/output unit's place in the diagram's axes",
    "inputs_xy": "[[x, y], ...]: each input node's place in the diagram's axes (every "
                 "feature, in NETWORK features' order)",
    "inputs": "base64 of uint8 (features x unit_n x unit_n): every feature over the plane, "
              "those off too, scaled to -1..+1 by its largest size, painted with unit_lut",
    "plotly_url": "str: where plotly.js is served",
    "clickable": "bool: clicks on the plane are reported (`point`)",
    "scroll": "bool: bring the controls and the view into sight (once, after a lesson is loaded)",
    "rate": "str: epochs per second while playing, or ''",
    "message": "str: why training stopped (diverged, finished, paused), or ''",
    "history": "optional {epoch, train, test}: the whole loss curve so far",
    "plane": "PLANE: where the points figure's plot area is, for the surface and clicks",
    "diagram": "DIAGRAM: where the diagram's plot area is, for the unit pictures",
    "network": "NETWORK: the layers and features the diagram's + and − and its input "
               "nodes change, and how its edges are drawn",
    "loss": "LOSS: where the loss chart's plot area is: the page draws the curves there, "
            "every frame, on axes whose ranges it sets",
    "controls": "list of CONTROLS: those the learner can press now (shown and enabled); "
                "the keys (KEYS) press only these",
    "heard": "int: the number `n` of the page's last trigger message the server heard",
}

# The figures' geometry, from the numbers that build their Plotly layouts
# (playground/figures/geometry.py): the page places its canvases by these, never by
# Plotly's private state. A plot area spans the figure's width (the page's element)
# and `height`, less `margin`.
PLANE = {
    "margin": "{l, r, t, b}: px around the plot area",
    "height": "int: the figure's height in px",
    "range": "[lo, hi]: both axes' range; the plot area is the largest square inside the "
             "margins, centred (scale-anchored axes constrained to their domain)",
}
LOSS = {
    "margin": "{l, r, t, b}: px around the plot area",
    "height": "int: the figure's height in px",
    "lines": "[{name, color, width, dash}, ...]: the train and test curves' looks",
    "log": "bool: the loss axis is logarithmic",
}
DIAGRAM = {
    "margin": "{l, r, t, b}: px around the plot area",
    "height": "int: the figure's height in px",
    "x_range": "[lo, hi]: the x axis's range across the plot area's width",
    "y_range": "[lo, hi]: the y axis's range up the plot area's height",
    "picture_px": "int: a unit picture's size on screen, centred on its node",
}

NETWORK = {
    "hidden": "[units, ...]: each hidden layer's size",
    "max_layers": "int: hidden layers at most (+ refused beyond)",
    "max_units": "int: units per hidden layer at most",
    "features": "[[name, label, on], ...]: every input feature, in the input nodes' order "
                "(inputs_xy); a click on a node asks to switch it (`network`)",
    "rows": "[node, ...]: for each row of the first layer's weights, its input node",
    "editable": "list of 'layers', 'features': what the diagram may change (a link may "
                "hide the sidebar's controls, and then the diagram's too)",
    "colours": "[negative, positive]: the edges' colours (width: the weight's size)",
}

# The run's controls. Each is a Streamlit button keyed by its name, so Streamlit gives
# it the CSS class `st-key-<name>` (documented under st.button's `key`): the page knows
# a click on Pause by it and answers it itself. The page asks for a control with the
# `control` trigger; the server does what the button does.
CONTROLS = {
    "play": "train continuously",
    "pause": "stop training at the frame on screen",
    "step": "train exactly one epoch, then stop",
    "reset": "back to epoch 0 with the same starting weights",
}
# Keyboard shortcuts (not in a text field): a key presses the first of its controls
# that the payload's `controls` offers.
KEYS = {" ": ["pause", "play"], "s": ["step"], "r": ["reset"]}

# One picture of the run: the numbers after `epoch` epochs and the surface as uint8.
FRAME = {
    "epoch": "int: epochs completed",
    "train_loss": "float or null", "train_acc": "float or null",
    "test_loss": "float or null", "test_acc": "float or null",
    "train_r2": "float or null: regression's R^2 (null for classification)",
    "test_r2": "float or null",
    "train_class_acc": "list of float or null: accuracy on each class's points ([] for "
                       "regression)",
    "test_class_acc": "list of float or null",
    "z": "base64 of n x n uint8, row 0 at the bottom: P(class 1) x 255 (2 classes), the "
         "predicted value's (v + 1) / 2 x 255 (regression), class x 42 + confidence level "
         "(3 to 6 classes); `lut` colours it",
    "units": "optional list (one per layer) of base64 units x unit_n x unit_n uint8",
    "weights": "optional (with units) list (one per layer) of base64 float32 [W; b], "
               "(inputs + 1) x units, row-major, the last row the biases: the diagram's edges",
}

# Page -> server: each trigger reruns the live fragment and calls its callback. Every
# trigger also carries `token`: the browser's identity for the workshop room, a random
# secret the page makes once (32 hex digits) and keeps in localStorage under TOKEN_KEY;
# never put in a link (ui/room keeps it in AppState.token). And `n`: the number of the
# message it came in. The page sends one message at a time and the next only once a
# payload's `heard` has reached it: of two trigger messages waiting while the script
# runs, Streamlit's server keeps only the newer (its _coalesce_widget_states), and a
# control pressed just before a question for frames was lost. A message sent again (lost
# with the connection) has its old `n`; the server skips one it already ran.
TOKEN_KEY = "nnp-token"
TRIGGERS = {
    "want": "{seq, has}: the page is running low on frames: train and send the next batch; "
            "has: {name: version} of the figures it holds",
    "control": "{name, epoch, at}: a control (CONTROLS) pressed by its key, or Pause "
               "clicked, while `epoch` was on screen (Pause stops there)",
    "have": "{has}: the figures the page holds ({name: version}), when they differ from "
            "the payload's `versions` while no `want` is due (first load, paused, remounted)",
    "point": "{x1, x2, at}: a click on the plane, in data coordinates",
    "network": "{change, layer, feature, at}: a + or − on the diagram ('add_layer', "
               "'remove_layer', 'add_unit', 'remove_unit' of hidden layer `layer`, 1-based) "
               "or a click on an input node ('feature', its name)",
}


COMPONENT = "nnp_live"          # the live view's component name (tools/stclient.py finds it by it)


def wire(payload):
    """The payload as the component's `data`: one payload in a list. Given a dict,
    Streamlit looks for a data frame in each of its values, which imports pandas (1-2 s
    before a server's first surface) and checks some 30 values in every payload."""
    return [payload]


def unwire(data_json):
    """The payload from the component's data as JSON (what the tests and tools read)."""
    return json.loads(data_json)[0]


def js_constant():
    """The schema as a JavaScript constant for live.js."""
    names = {"payload": list(PAYLOAD), "frame": list(FRAME), "triggers": list(TRIGGERS),
             "plane": list(PLANE), "diagram": list(DIAGRAM), "loss": list(LOSS),
             "network": list(NETWORK), "controls": list(CONTROLS),
             "keys": KEYS}
    return f"const SCHEMA = {json.dumps(names)};\nconst TOKEN_KEY = {json.dumps(TOKEN_KEY)};\n"


def check_payload(data):
    """The problems with a payload (empty when it follows the schema)."""
    problems = [f"unknown key {k!r}" for k in data if k not in PAYLOAD]
    problems += [f"missing key {k!r}" for k in PAYLOAD
                 if k not in data and not PAYLOAD[k].startswith("optional")]
    for part, keys in (("plane", PLANE), ("diagram", DIAGRAM), ("loss", LOSS),
                       ("network", NETWORK)):
        given = data.get(part) or {}
        problems += [f"{part}: missing key {k!r}" for k in keys if k not in given]
    problems += [f"unknown control {c!r}" for c in data.get("controls", []) if c not in CONTROLS]
    for f in data.get("frames", []):
        problems += [f"frame: unknown key {k!r}" for k in f if k not in FRAME]
        problems += [f"frame: missing key {k!r}" for k in FRAME
                     if k not in f and not FRAME[k].startswith("optional")]
    return problems
