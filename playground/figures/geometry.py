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


NODE_PX = 30                # a node's square marker in the diagram
PICTURE_PX = 26             # a unit's picture inside its node


def diagram_geometry(sizes, height=None):
    """The diagram's plot area for layers of `sizes` units: layer i's nodes at x = i,
    stacked around the tallest layer's middle (colours.unit_positions), with room above
    for the layers' names."""
    tallest = max(sizes)
    return {"margin": dict(l=60, r=10, t=42, b=26),
            "height": height or max(260, 46 * tallest + 60),
            "x_range": [-0.6, len(sizes) - 0.4], "y_range": [-0.7, tallest - 0.3],
            "picture_px": PICTURE_PX}
