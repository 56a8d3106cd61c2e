"""Shared fixtures for the browser tests: the app served by `streamlit run` on a free
port, and Debian's headless Chromium driven through Playwright. Also Hypothesis's
settings for every test: derandomized, so a failure seen in CI is the same failure here."""

import pytest
from hypothesis import settings

# Examples come from a fixed seed derived from each test, and no example database is
# kept between runs: every run, here or in CI, tries exactly the same examples.
settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
settings.load_profile("repeatable")

from tests.rooms import redis_server, sqlite_store, store  # noqa: E402,F401 (fixtures)
from tests.support import require  # noqa: E402
from tools.appserver import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop  # noqa: E402


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """`streamlit run streamlit_app.py` in a subprocess; its base URL once it is healthy."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    try:
        server = start_server(port, log_path)
    except RuntimeError as e:
        pytest.fail(f"{e}:\n{log_path.read_text(errors='replace')}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium. Without it the browser tests skip, except in CI, where they fail."""
    require(CHROMIUM, "chromium", "the browser tests need it")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()
