"""The room's links (teacher, student, wall, a submitted run) and the student link's QR
code, drawn as inline SVG by segno (pure Python) and big enough to scan across a room."""
from urllib.parse import urlencode

import segno

from ui.links import app_address

QR_SCALE = 10           # px per module: a short link's code is ~350 px wide on screen


def room_link(name, **keys) -> str:
    """The app's address with ?room=NAME and these keys (key=, wall=, run=, copy=)."""
    return app_address() + "?" + urlencode({"room": name, **keys})


def qr_svg(url) -> str:
    """The link as a QR code, an <svg> element (dark modules on white, with the quiet zone)."""
    return segno.make(url, error="m").svg_inline(scale=QR_SCALE, border=4, dark="#111",
                                                  light="#fff")
