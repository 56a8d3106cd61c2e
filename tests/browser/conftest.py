"""Fixtures of the browser tests: a fresh browser context and page per test, and
expect() as patient as the page's own calls (reruns are slow on a busy machine)."""
import pytest
from playwright.sync_api import expect
from tests.support import PATIENCE


@pytest.fixture(autouse=True, scope="module")
def patient_expect():
    """expect() waits as long as the page's own calls: reruns are slow on a busy machine."""
    expect.set_options(timeout=PATIENCE)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(PATIENCE)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()
