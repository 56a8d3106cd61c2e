"""Where the plane's and the diagram's plot areas sit, as plain numbers (no Plotly): their
margins, heights and axis ranges. charts.py builds its Plotly layouts from these, and the
live view sends the same numbers to its page (ui/live/schema.py PLANE, DIAGRAM), which
places its canvases on the plot areas by them instead of reading Plotly's private state.
"""
from .colours import INK

TITLE_TOP = 30              # px above a plot area that has a title


def plane_margin(title=None):
    """The square plane's margins: room for the ticks and the x₁, x₂ titles."""
    return dict(l=44, r=10, t=TITLE_TOP if title else 8, b=40)


def plane_geometry(bounds, height, title=None):
    """The plane's plot area: the largest square inside the margins (its axes are
    scale-anchored and constrained to their domain, centred), showing `bounds` both ways."""
    return {"margin": plane_margin(title), "height": height, "range": [float(b) for b in bounds]}


# The loss curves' looks: the Plotly traces and the live view's own drawing alike.
LOSS_LINES = ({"name": "train", "color": INK, "width": 2, "dash": "solid"},
              {"name": "test", "color": "#9aa0a6", "width": 2, "dash": "dot"})


def loss_geometry(height=220, title=None):
    """The loss chart's plot area: fixed margins (no automargin, so the plot area does not
    move as the tick labels change), the live view's page drawing the curves over it."""
    return {"margin": dict(l=56, r=10, t=TITLE_TOP if title else 8, b=36), "height": height}


# Each layer's nodes, by the tallest layer's size: (px between two nodes' centres, the
# picture's side); a node's square marker is PICTURE_RIM px wider than its picture. A
# network of a few units gets TF Playground's large pictures; 32 units still fit a screen.
NODE_ROWS = ((8, 64, 42), (12, 48, 32), (20, 36, 24), (None, 26, 18))
PICTURE_RIM = 6
EDIT_ROWS = 52              # px above the layers' names for the diagram's + and − buttons


def node_spacing(tallest):
    """(px between nodes, picture px) for a diagram whose tallest layer has `tallest` nodes."""
    return next((step, px) for most, step, px in NODE_ROWS if most is None or tallest <= most)


def diagram_geometry(sizes, height=None):
    """The diagram's plot area for layers of `sizes` nodes: layer i's nodes at x = i,
    stacked around the tallest layer's middle (colours.unit_positions), with room above
    for the layers' names and the + and − that change them."""
    tallest = max(sizes)
    step, px = node_spacing(tallest)
    return {"margin": dict(l=64, r=14, t=EDIT_ROWS + 44, b=26),
            "height": height or int(step * (tallest + 0.4)) + EDIT_ROWS + 70,
            "x_range": [-0.6, len(sizes) - 0.4], "y_range": [-0.7, tallest - 0.3],
            "picture_px": px}
