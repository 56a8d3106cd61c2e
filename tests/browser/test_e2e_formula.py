"""Your own function as data in a real browser: a link with a formula opens the app on
the points that formula labels, with the formula in its box.

Server and Chromium come from tests/conftest.py; the page helpers from tests/support.py.
"""
import base64
from urllib.parse import urlencode

import numpy as np
from playwright.sync_api import expect

from tests.support import open_app

# The points figure's class traces, their x and y as Plotly's typed arrays (base64 bytes)
POINTS = """() => (document.querySelector('.nnp-points').data || [])
  .filter((t) => t.name && t.name.startsWith('class '))
  .map((t) => ({ name: t.name, x: t.x, y: t.y }))"""


def values(typed):
    """A Plotly typed array ({dtype, bdata}) or a plain list as a NumPy array."""
    if isinstance(typed, dict):
        return np.frombuffer(base64.b64decode(typed["bdata"]), dtype=typed["dtype"])
    return np.asarray(typed, dtype=float)


def drawn(page):
    return [(t["name"], values(t["x"]), values(t["y"])) for t in page.evaluate(POINTS)]


def test_a_formula_link_draws_the_points_the_formula_labels(page, app_url):
    query = urlencode({"dataset": "formula", "formula": "x2 > sin(3*x1)", "noise": "0",
                       "samples": "300", "test_fraction": "0"})
    open_app(page, f"{app_url}/?{query}")
    box = page.locator(".st-key-formula_text input")
    expect(box).to_have_value("x2 > sin(3*x1)")         # waits while a busy page hydrates
    assert page.locator("[data-testid=stSidebar] [data-testid=stAlert]").count() == 0
    traces = drawn(page)
    assert sorted(name for name, _, _ in traces) == ["class 0", "class 1"]
    assert sum(len(x1) for _, x1, _ in traces) == 300
    for name, x1, x2 in traces:
        above = x2 > np.sin(3 * x1)
        clear = np.abs(x2 - np.sin(3 * x1)) > 1e-3        # the figure rounds to 4 decimals
        assert (above[clear] == (name == "class 1")).all(), name
        assert 30 < len(x1) < 270                            # both sides of the sine
