"""Fixtures of the themes tests."""

import pytest

from tests.conftest import login


@pytest.fixture
def staff_client(client, make_user):
    """A client signed in as staff; ``client.staff`` is the person."""
    staff = make_user(roles=("staff",))
    login(client, staff)
    client.staff = staff
    return client
