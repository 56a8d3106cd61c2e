"""What the tests of every kind share: where things are, and the browser tests' ways of
waiting for and pressing things in the page."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "streamlit_app.py"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
SURFACE = ".nnp-surface canvas"        # the decision surface, painted by the page


def wait_idle(page):
    """Until Streamlit has finished running the script."""
    page.wait_for_selector(IDLE)


def press(page, key, label):
    """Click the button with this key. Streamlit renders a hidden copy of each button; the
    role query finds the visible one."""
    page.locator(f".st-key-{key}").get_by_role("button", name=label).click()


def open_app(page, url):
    """Navigate and wait until the live view is drawn and the script has finished."""
    page.goto(url)
    page.wait_for_selector(SURFACE)
    page.wait_for_selector(".nnp-points.js-plotly-plot")
    wait_idle(page)
