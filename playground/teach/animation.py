"""A run as an animated GIF or WebP, for slides and chat: drawn with Pillow from the
replay's snapshots, never grabbed from the screen.

Each frame is the decision surface with the points (coloured like the app's), the
training loss up to that epoch in a strip under it, and the epoch. Every frame is drawn
straight into one shared 256-colour palette: the surface's bytes index its first 128
entries (every other entry of the app's colour table), the points, text and curve the
rest. So a GIF needs no colour quantizing (which is slow and would shift the surface's
colours), and a surface pixel is at most one table step from the app's colour.
"""
import io
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..figures.colours import INK
from ..pictures.colours import CLASS_COLOURS, LUT, TARGET_SCALE, class_lut, colour_lut
from ..pictures.pixels import one_byte
from .replay import MAX_FRAMES, replay_frames, thin_curve

WIDTHS = (480, 800)       # px: a slide's half and a chat's full width
CELL = 4                  # px per surface cell: 120 cells across at 480 px
FRAME_MS, LAST_MS = 100, 2000   # each frame; the last one held so the end can be read
SURFACE_COLOURS = 128     # palette entries 0..127: the surface table's every other entry
TARGET_LEVELS = 32        # regression points' colours, -1..1 on the target scale
PAPER, AXIS, CURSOR = "#ffffff", "#dadce0", "#d93025"


@dataclass(frozen=True)
class Format:
    pil: str              # Pillow's name for the format
    mime: str
    options: dict         # for Image.save


FORMATS = {
    "gif": Format("GIF", "image/gif", {}),
    # lossless, so its pixels are the GIF's, and a third of its bytes: the frames are
    # stored as changes from the last (no key frames after the first: with them the
    # encoder tries each frame both ways, slower and bigger), with libwebp's fast effort.
    # Lossy WebP with no key frames drifted (12 levels off by the last frame); with them
    # it was bigger than this and no faster.
    "webp": Format("WEBP", "image/webp",
                   {"lossless": True, "quality": 0, "method": 1, "kmin": 0, "kmax": 0}),
}


def _rgb(colour):
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


# The palette after the surface's 128 entries: one name, one index
NAMED = (PAPER, INK, AXIS, CURSOR, *CLASS_COLOURS)
INDEX = {colour: SURFACE_COLOURS + k for k, colour in enumerate(NAMED)}
TARGET0 = SURFACE_COLOURS + len(NAMED)       # first of the regression targets' colours


def palette(classes):
    """The 768 numbers of the frames' palette: the surface's table (class_lut for 3 or
    more classes, else the orange-white-blue LUT) halved, the named colours, the targets'."""
    lut = class_lut(classes) if classes > 2 else LUT
    targets = colour_lut(TARGET_SCALE)[np.linspace(0, 255, TARGET_LEVELS).round().astype(int)]
    rows = np.concatenate([lut[::2], [_rgb(c) for c in NAMED], targets]).astype(np.uint8)
    return np.pad(rows, ((0, 256 - len(rows)), (0, 0))).ravel().tolist()


def surface_indices(surface_u8, classes):
    """A surface as replay.surface_u8 makes it -> (n, n) palette indices, top row first
    (the surface's row 0 is the bottom of the plane, x2 lowest)."""
    picture = one_byte(surface_u8, classes)
    return np.ascontiguousarray(picture[::-1] >> 1)


@dataclass(frozen=True)
class Layout:
    """Where each part of a frame goes, in px, for a frame `width` wide."""
    width: int

    @property
    def header(self):
        return self.width // 12

    @property
    def strip(self):
        return self.width // 4

    @property
    def height(self):
        return self.header + self.width + self.strip

    @property
    def cells(self):
        return self.width // CELL

    @property
    def text_px(self):
        return self.width // 30


@lru_cache(maxsize=4)
def _font(size):
    return ImageFont.load_default(size=size)


def to_pixels(X, bounds, cells):
    """Points (m, 2) -> (m, 2) px (x right, y down) on a surface of `cells` cells of CELL px,
    the cell i centred on grid value i (session.grid_points: linspace(lo, hi, cells))."""
    step = (bounds[1] - bounds[0]) / (cells - 1)
    x = ((X[:, 0] - bounds[0]) / step + 0.5) * CELL
    y = ((bounds[1] - X[:, 1]) / step + 0.5) * CELL
    return np.stack([x, y], 1)


def _point_colours(y, regression):
    """Each point's palette index: its class's colour, or its target's (-1..1)."""
    if regression:
        return TARGET0 + np.rint((np.clip(y, -1, 1) + 1) / 2 * (TARGET_LEVELS - 1)).astype(int)
    return np.array([INDEX[c] for c in CLASS_COLOURS])[y.astype(int)]


def points_layer(data, bounds, layout, regression, show_test=True):
    """(points as a "P" picture, its mask): drawn once, pasted on every frame. Train points
    are filled circles edged white, test points hollow diamonds, as in the app; regression's
    are coloured by target and edged dark, its test diamonds filled."""
    size = (layout.width, layout.width)
    layer, mask = Image.new("P", size, 0), Image.new("L", size, 0)
    draw, cover = ImageDraw.Draw(layer), ImageDraw.Draw(mask)
    r = max(3, layout.width // 160)
    edge = INDEX[INK] if regression else INDEX[PAPER]
    for (x, y), c in zip(to_pixels(data.X_train, bounds, layout.cells),
                         _point_colours(data.y_train, regression)):
        box = (x - r, y - r, x + r, y + r)
        draw.ellipse(box, fill=int(c), outline=edge)
        cover.ellipse(box, fill=255)
    if show_test and data.has_test:
        d = r + 1
        for (x, y), c in zip(to_pixels(data.X_test, bounds, layout.cells),
                             _point_colours(data.y_test, regression)):
            diamond = [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]
            draw.polygon(diamond, fill=int(c) if regression else None,
                         outline=edge if regression else int(c), width=1 if regression else 2)
            cover.polygon(diamond, fill=255 if regression else None, outline=255,
                          width=1 if regression else 2)
    return layer, mask


def _loss_strip(draw, layout, epoch, curve):
    """The training loss up to `epoch`, the epoch axis growing with it as in the app's
    replay, and a red line at `epoch`."""
    top, w, pad = layout.header + layout.width, layout.width, layout.text_px
    left, right = pad, w - pad
    y0, y1 = top + pad + layout.text_px, top + layout.strip - pad // 2    # curve box, px
    draw.rectangle((left, y0, right, y1), outline=INDEX[AXIS])
    draw.text((left, top + pad // 2), "training loss", fill=INDEX[INK], font=_font(layout.text_px))
    epochs, loss, high = curve
    span = max(10, epoch * 1.15)
    upto = (epochs <= epoch) & np.isfinite(loss)
    xs = left + epochs[upto] / span * (right - left)
    ys = y1 - loss[upto] / high * (y1 - y0)
    if upto.sum() > 1:
        draw.line(list(zip(xs.tolist(), ys.tolist())), fill=INDEX[INK], width=2)
    x = left + epoch / span * (right - left)
    draw.line([(x, y0), (x, y1)], fill=INDEX[CURSOR], width=1)


def _header(draw, layout, epoch, curve):
    epochs, loss, _ = curve
    font, pad = _font(layout.text_px), layout.text_px // 2
    draw.text((pad, layout.header // 2), f"epoch {epoch:,}", fill=INDEX[INK], font=font,
              anchor="lm")
    seen = loss[(epochs <= epoch) & np.isfinite(loss)]
    if len(seen):
        draw.text((layout.width - pad, layout.header // 2), f"loss {seen[-1]:.4f}",
                  fill=INDEX[INK], font=font, anchor="rm")


def _loss_top(loss):
    """The loss strip's top: the highest finite loss and a little room (1 if none)."""
    finite = loss[np.isfinite(loss)]
    return float(finite.max()) * 1.05 if len(finite) and finite.max() > 0 else 1.0


def _frame(epoch, indices, points, curve, layout, colours):
    """One frame as a "P" picture: the surface (palette indices, one per cell) with the
    points pasted on, the header and the loss strip."""
    image = Image.new("P", (layout.width, layout.height), INDEX[PAPER])
    image.putpalette(colours)
    cells = Image.fromarray(indices)
    cells.putpalette(colours)                    # "L" -> "P": the bytes are indices
    surface = cells.resize((layout.width, layout.width), Image.Resampling.NEAREST)
    surface.paste(*points)
    image.paste(surface, (0, layout.header))
    draw = ImageDraw.Draw(image)
    _header(draw, layout, epoch, curve)
    _loss_strip(draw, layout, epoch, curve)
    return image


def frames(session, width=WIDTHS[0], max_frames=MAX_FRAMES, show_test=True):
    """The run's frames as "P" pictures sharing one palette, from its snapshots."""
    layout = Layout(width)
    classes = session.units if session.output == "softmax" else 2
    colours = palette(classes)
    epochs, loss, _ = thin_curve(session.history)
    curve = (epochs, loss, _loss_top(loss))
    points = points_layer(session.data, session.bounds, layout, session.output == "linear",
                          show_test)
    return [_frame(epoch, surface_indices(u8, classes), points, curve, layout, colours)
            for epoch, u8, _ in replay_frames(session, layout.cells, max_frames)]


def animation(session, kind="gif", width=WIDTHS[0], max_frames=MAX_FRAMES, show_test=True):
    """The run as the bytes of an animated `kind` file (a key of FORMATS), `width` px wide,
    looping, each frame FRAME_MS long and the last held LAST_MS."""
    if kind not in FORMATS:
        raise ValueError(f"unknown animation format {kind!r}: use one of {', '.join(FORMATS)}")
    if width not in WIDTHS:
        raise ValueError(f"an animation is {' or '.join(map(str, WIDTHS))} px wide, not {width}")
    pictures = frames(session, width, max_frames, show_test)
    f = FORMATS[kind]
    if f.pil != "GIF":                       # WebP frames are full colour
        pictures = [p.convert("RGB") for p in pictures]
    durations = [FRAME_MS] * (len(pictures) - 1) + [LAST_MS]
    out = io.BytesIO()
    pictures[0].save(out, f.pil, save_all=True, append_images=pictures[1:], loop=0,
                     duration=durations, **f.options)
    return out.getvalue()
