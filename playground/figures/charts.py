"""Plotly figure builders: pure functions from arrays to `go.Figure`, no Streamlit.

Colours follow TensorFlow Playground's orange (class 0) and blue (class 1), a pair that
stays distinct for the common colour-vision deficiencies; the surface is a diverging
orange-white-blue scale of P(class 1). Surfaces travel as uint8 (0..255), which Plotly
sends as a compact typed array, with x0/dx rather than coordinate arrays.
"""
import base64

import numpy as np
import plotly.graph_objects as go

from ..pictures.colours import (BLUE, CLASS_COLOURS, DISCRETE_SCALE, LUT, ORANGE, SURFACE_SCALE,
                                TARGET_SCALE, class_lut)
from ..pictures.encode import class_levels, quantize
from ..pictures.png import png_data_uri, unit_picture
from .colours import INK, NEG, POS, unit_positions
from .geometry import (LOSS_LINES, PICTURE_RIM, TITLE_TOP, diagram_geometry, loss_geometry,
                       node_spacing, plane_geometry)

OUTLINE = "rgba(32, 33, 36, 0.75)"    # regression points' edge: INK, a little see-through

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=12, color=INK)


def typed(array):
    """A NumPy array as Plotly's compact typed-array JSON (base64 of the raw bytes), for
    figures written as plain dicts, which Plotly's own encoder does not see."""
    a = np.ascontiguousarray(array)
    out = {"dtype": {"uint8": "u1", "float32": "f4", "float64": "f8", "int64": "i4",
                     "int32": "i4"}[a.dtype.name],
           "bdata": base64.b64encode(a.astype(np.int32).tobytes() if a.dtype == np.int64
                                     else a.tobytes()).decode("ascii")}
    if a.ndim > 1:
        out["shape"] = ",".join(map(str, a.shape))
    return out


def _axes(bounds, title=True):
    axis = dict(range=list(bounds), constrain="domain", fixedrange=True, zeroline=False,
                showgrid=False, ticks="outside", mirror=True, showline=True, linecolor="#ccc")
    return (dict(axis, title="x₁" if title else None),
            dict(axis, title="x₂" if title else None, scaleanchor="x", scaleratio=1))


def surface_trace(surface_u8, bounds, discretize=False):
    """The decision surface as a heatmap of P(class 1) over the plotted box."""
    n = surface_u8.shape[0]
    step = (bounds[1] - bounds[0]) / (n - 1)
    return go.Heatmap(z=surface_u8, x0=bounds[0], dx=step, y0=bounds[0], dy=step,
                      zmin=0, zmax=255, zsmooth=False if discretize else "best",
                      colorscale=DISCRETE_SCALE if discretize else SURFACE_SCALE,
                      showscale=False, hoverinfo="skip")


# Marker size (px) by how many points are drawn, train and test together: a few points
# drawn big enough to see and to click on, hundreds small enough not to cover the surface.
POINT_SIZES = ((10, 16), (50, 12), (200, 9))       # (at most this many points, size)
POINT_SIZE = 7                                     # more than the table's last


def point_size(n):
    """The train circles' size for n points in all (test diamonds are 1 px larger)."""
    return next((size for most, size in POINT_SIZES if n <= most), POINT_SIZE)


def point_traces(data, show_test=True, classes=2, regression=False):
    """Train points as filled circles, test points as hollow diamonds, coloured by class
    (K classes: the class palette) or, for regression, by target on the diverging scale;
    the train traces carry the legend. Regression's points all have a dark outline and
    its test diamonds are filled: a target near 0 is near-white, and on the pale surface
    a white-edged or hollow point of it vanished. Few points are drawn larger (point_size)."""
    size = point_size(len(data.y_train) + len(data.y_test))
    sets = [("train", data.X_train, data.y_train, "circle", size, 1)]
    if show_test and data.has_test:
        sets.append(("test", data.X_test, data.y_test,
                     "diamond" if regression else "diamond-open", size + 1, 2))
    traces = []
    for name, X, y, symbol, size, edge in sets:
        groups = ([(None, y == y, None)] if regression else
                  [(k, y == k, CLASS_COLOURS[k]) for k in range(classes)])
        for label, mask, colour in groups:
            pts, values = X[mask], y[mask]
            what = "target %{marker.color:.3f}" if regression else f"class {label}"
            fill = typed(values.astype(np.float32)) if regression else colour
            line = (dict(width=1, color=OUTLINE) if regression else
                    dict(width=edge, color="white" if name == "train" else colour))
            traces.append(go.Scatter(
                x=pts[:, 0].round(4), y=pts[:, 1].round(4), mode="markers",
                name=f"class {label}" if not regression else "target",
                legendgroup=str(label), showlegend=name == "train" and not regression,
                marker=dict(symbol=symbol, size=size, color=fill, line=line,
                            colorscale=TARGET_SCALE if regression else None,
                            cmin=-1 if regression else None, cmax=1 if regression else None),
                hovertemplate=f"{name} point, {what}<br>x₁=%{{x}}<br>x₂=%{{y}}"
                              "<extra></extra>"))
    return traces


def data_traces(data, config, show_test=True):
    """point_traces for this config's problem type."""
    return point_traces(data, show_test, config.classes, config.problem == "regression")


def surface_colours(surface_u8, classes=2):
    """Heatmap settings for a surface as pictures.pixels.surface_u8 makes it: (2, n, n) K-class
    surfaces become class * LEVELS + confidence level with the class palette's table and
    no smoothing (smoothing would blend one class's bytes into another's)."""
    if surface_u8.ndim == 2:
        return dict(z=surface_u8, colorscale=SURFACE_SCALE, zsmooth="best")
    lut = class_lut(classes)
    return dict(z=class_levels(surface_u8, classes), zsmooth=False,
                colorscale=[[i / 255, f"rgb({r},{g},{b})"] for i, (r, g, b) in enumerate(lut)])


def _square_layout(bounds, height, title=None, transparent=False):
    xaxis, yaxis = _axes(bounds)
    return go.Layout(
        xaxis=xaxis, yaxis=yaxis, height=height,
        margin=plane_geometry(bounds, height, title)["margin"],
        title=dict(text=title, x=0.5, font=dict(size=13)) if title else None,
        showlegend=False, font=FONT, hovermode="closest", uirevision="keep",
        paper_bgcolor="rgba(0,0,0,0)" if transparent else "white",
        plot_bgcolor="rgba(0,0,0,0)" if transparent else "white")


def surface_figure(surface, bounds, data=None, show_test=True, discretize=False,
                   title=None, height=360, config=None):
    """Heatmap of P(class 1) with the data on top: the playground's output panel. A uint8
    surface is taken as pictures.pixels.surface_u8 makes it for `config`'s problem type."""
    if surface.dtype != np.uint8:
        surface = quantize(surface)
    classes = config.classes if config else 2
    regression = bool(config) and config.problem == "regression"
    if surface.ndim == 2 and not regression:
        trace = surface_trace(surface, bounds, discretize)
    else:
        step = (bounds[1] - bounds[0]) / (surface.shape[-1] - 1)
        trace = go.Heatmap(x0=bounds[0], dx=step, y0=bounds[0], dy=step, zmin=0, zmax=255,
                           showscale=False, hoverinfo="skip", **surface_colours(surface, classes))
    fig = go.Figure([trace], _square_layout(bounds, height, title))
    if data is not None:
        fig.add_traces(point_traces(data, show_test, classes, regression))
    return fig


def points_figure(data, bounds, show_test=True, height=360, classes=2, regression=False):
    """Only the data, on a transparent background: drawn once over a live surface,
    because re-drawing hundreds of SVG points on every frame is what makes restyles slow."""
    return go.Figure(point_traces(data, show_test, classes, regression),
                     _square_layout(bounds, height, transparent=True))


def loss_figure(epochs, train_loss, test_loss=None, log_scale=False, height=220, title=None):
    """Training (and test) loss against epochs."""
    fig = go.Figure(layout=go.Layout(
        **loss_geometry(height, title), font=FONT,
        title=dict(text=title, x=0.5, font=dict(size=13)) if title else None,
        xaxis=dict(title="epoch", showgrid=True, gridcolor="#eee", rangemode="tozero"),
        yaxis=dict(title=dict(text="loss", standoff=6), type="log" if log_scale else "linear",
                   showgrid=True, gridcolor="#eee", tickformat=".3~g"),
        legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom"),
        plot_bgcolor="white", paper_bgcolor="white", uirevision="keep", hovermode="x unified"))
    curves = [train_loss] if test_loss is None else [train_loss, test_loss]
    for values, look in zip(curves, LOSS_LINES):
        fig.add_trace(go.Scatter(x=np.asarray(epochs), y=np.asarray(values, dtype=np.float32),
                                 mode="lines", name=look["name"],
                                 line={k: look[k] for k in ("color", "width", "dash")}))
    return fig


def network_figure(weights, input_labels, unit_images=None, activation="", height=None,
                   unit_lut=LUT, output_luts=(), inputs_on=None, edges=True):
    """The network as a diagram: nodes by layer, edges coloured by sign (blue positive,
    orange negative) with width by magnitude, and every value on hover. `weights` is
    [(W, b), ...]; `unit_images` optionally gives each hidden/output unit's picture of
    what it computes over the input plane, as uint8 (units, n, n) per layer, coloured by
    `unit_lut`, or output unit k by `output_luts[k]` (colours.hidden_lut, output_luts).
    `inputs_on`: one bool per input label, when the labels are every feature and only
    these feed the network (the live view shows the others faded, to be switched on);
    `edges=False` leaves the edges to the live view, which draws them every few frames."""
    on = list(inputs_on) if inputs_on is not None else [True] * len(input_labels)
    sizes = [len(input_labels)] + [W.shape[1] for W, _ in weights]
    pos = unit_positions(sizes)
    sources = [i for i, o in enumerate(on) if o]          # W[0]'s rows: the nodes switched on
    place = diagram_geometry(sizes, height)
    fig = go.Figure()
    if edges:
        _edge_traces(fig, weights, pos, sizes, sources)
    node_x, node_y, node_text = [], [], []
    for l, layer in enumerate(pos):
        for j, (x, y) in enumerate(layer):
            node_x.append(x)
            node_y.append(y)
            text = (f"{input_labels[j]}: {'on' if on[j] else 'off'}" if l == 0 else
                    f"{_unit_name(l, j, sizes)}<br>bias {float(weights[l - 1][1].ravel()[j]):+.4f}")
            node_text.append(text)
    faded = [0.4 if l == 0 and not on[j] else 1.0
             for l, layer in enumerate(pos) for j in range(len(layer))]
    fig.add_trace(go.Scatter(
        x=node_x, y=node_y, mode="markers+text", hovertext=node_text, hoverinfo="text",
        text=list(input_labels) + [""] * (len(node_x) - len(input_labels)),
        textfont=dict(color=[INK if f == 1 else "#9aa0a6" for f in faded]),
        textposition="middle left", showlegend=False, cliponaxis=False,
        marker=dict(size=place["picture_px"] + PICTURE_RIM, symbol="square", color="white",
                    opacity=faded, line=dict(color="#5f6368", width=1))))
    images = []
    if unit_images is not None:
        side = 1.2 * place["picture_px"] / node_spacing(max(sizes))[0]     # in axis units
        for l, stack in enumerate(unit_images, start=1):
            for j, img in enumerate(stack):
                x, y = pos[l][j]
                last = l == len(unit_images) and j < len(output_luts)
                rgb = unit_picture(img, output_luts[j] if last else unit_lut)
                images.append(dict(source=png_data_uri(rgb), x=x, y=y, xref="x", yref="y",
                                   sizex=side, sizey=side, xanchor="center", yanchor="middle",
                                   sizing="contain", layer="above"))
    names = ["input"] + [f"hidden<br>layer {l}" for l in range(1, len(sizes) - 1)] + ["output"]
    counts = [sum(on)] + sizes[1:]
    top = place["y_range"][1]
    fig.update_layout(
        height=place["height"], margin=place["margin"],
        font=FONT, showlegend=False, plot_bgcolor="white", paper_bgcolor="white",
        images=images, hovermode="closest", uirevision="keep",
        xaxis=dict(visible=False, fixedrange=True, range=place["x_range"]),
        yaxis=dict(visible=False, fixedrange=True, range=place["y_range"], scaleanchor=None),
        annotations=[dict(x=i, y=top, text=f"{name}<br>{k} unit{'s' * (k != 1)}",
                          showarrow=False, yanchor="bottom", font=dict(size=10, color="#5f6368"))
                     for i, (name, k) in enumerate(zip(names, counts))])
    if activation:
        fig.add_annotation(text=f"activation: {activation}", x=0, xref="paper", xanchor="left",
                           y=0, yref="paper", yanchor="top", yshift=-4, showarrow=False,
                           font=dict(size=11, color="#5f6368"))
    return fig


def _edge_traces(fig, weights, pos, sizes, sources):
    """The weights as straight lines, one trace per (sign, width bucket), and an invisible
    marker at each line's middle that names the weight on hover."""
    big = max(np.abs(W).max() for W, _ in weights) or 1.0
    lines = {}          # (sign, width bucket) -> x, y lists with None breaks
    mid_x, mid_y, mid_text = [], [], []
    for l, (W, _) in enumerate(weights):
        rows = sources if l == 0 else range(W.shape[0])
        for r, i in enumerate(rows):
            for j in range(W.shape[1]):
                w = float(W[r, j])
                (x0, y0), (x1, y1) = pos[l][i], pos[l + 1][j]
                xs, ys = lines.setdefault((w >= 0, int(np.ceil(6 * abs(w) / big))), ([], []))
                xs += [x0, x1, None]
                ys += [y0, y1, None]
                mid_x.append((x0 + x1) / 2)
                mid_y.append((y0 + y1) / 2)
                mid_text.append(f"weight {_unit_name(l, i, sizes)} → {_unit_name(l + 1, j, sizes)}"
                                f"<br>{w:+.4f}")
    for (positive, bucket), (xs, ys) in sorted(lines.items()):
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(color=POS if positive else NEG, width=0.5 + 1.1 * bucket),
                                 opacity=0.75))
    fig.add_trace(go.Scatter(x=mid_x, y=mid_y, mode="markers", hovertext=mid_text,
                             hoverinfo="text", marker=dict(size=9, opacity=0), showlegend=False))


def _unit_name(layer, j, sizes):
    if layer == 0:
        return f"x{j + 1}" if j < 2 else f"input {j + 1}"
    if layer == len(sizes) - 1:
        return "output"
    return f"h{layer}.{j + 1}"
