"""What the figures share that needs no Plotly, so the live view can use it before Plotly
is imported: the ink of their text and the places of the network diagram's nodes. The
palette itself is the pictures' (playground/pictures/colours.py)."""

INK = "#202124"
POS, NEG = "#1a73e8", "#e8710a"          # the diagram's edges: positive and negative weights


def unit_positions(sizes):
    """(x, y) of every node of a network diagram, layer by layer, each layer centred on
    the tallest one."""
    centre = (max(sizes) - 1) / 2
    return [[(i, centre + (k - 1) / 2 - j) for j in range(k)] for i, k in enumerate(sizes)]
