"""A unit's picture as a PNG: painted through its colour table, then written by a minimal
PNG writer (standard library zlib only), for the network diagram, which Plotly shows
with data URIs."""
import base64
import struct
import zlib

import numpy as np


def unit_picture(u8, lut):
    """(n, n) uint8 with row 0 at the bottom (x2 up) -> RGB image rows top to bottom."""
    return lut[u8[::-1]]


def _chunk(kind, payload):
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))


def png_bytes(rgb):
    """(h, w, 3) uint8 -> PNG file bytes, rows top to bottom."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, _ = rgb.shape
    rows = np.concatenate([np.zeros((h, 1), np.uint8), rgb.reshape(h, w * 3)], axis=1)
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)     # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + _chunk(b"IEND", b""))


def png_data_uri(rgb):
    return "data:image/png;base64," + base64.b64encode(png_bytes(rgb)).decode("ascii")
