import pytest

from tests.api.conftest import budgets, cafes, world  # noqa: F401 - the API's public world


@pytest.fixture(autouse=True)
def archive_dir(app, monkeypatch, tmp_path):
    """Builds go to a folder of the test's own, never the checkout's instance/."""
    monkeypatch.setitem(app.config, "CIVIC_OPEN_DATA_DIR", str(tmp_path / "open-data"))
    return tmp_path / "open-data"
