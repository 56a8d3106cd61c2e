"""The room's links (teacher, student, wall, a submitted run) and the student link's QR
code, drawn as inline SVG by segno (pure Python) and big enough to scan across a room."""
import io
from urllib.parse import urlencode

from ui.links import app_address

QR_SCALE = 10           # px per module: a short link's code is ~350 px wide on screen


def room_link(name, **keys) -> str:
    """The app's address with ?room=NAME and these keys (key=, wall=, run=, copy=)."""
    return app_address() + "?" + urlencode({"room": name, **keys})


def qr_svg(url, scale=QR_SCALE, border=4) -> str:
    """The link as a QR code: an SVG document, dark modules on white with the quiet zone.
    scale 1 with no size: for a page whose CSS sizes it (the wall). segno is imported here,
    not at the top, where every server's first page paid for it (3 ms alone, up to 60 ms
    while the server also sent the page its files) for a code a playground never draws."""
    import segno
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=scale, border=border, dark="#111",
                                    light="#fff", xmldecl=False, omitsize=scale == 1)
    return out.getvalue().decode("ascii")
