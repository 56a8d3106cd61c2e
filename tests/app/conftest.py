"""The AppTest session every app test starts from."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.support import APP


@pytest.fixture
def at():
    """A fresh browser session of the app, after its first run."""
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    assert not app.exception
    return app
