"""Rate limits on voting and writing (Flask-Limiter), per participant."""

import pytest

from civic.extensions import limiter
from tests.conftest import make_app
from tests.opinions.conftest import SETTINGS


@pytest.fixture
def limited(database_url):
    """An app with rate limits on; the limiter is shared by every app of the session."""
    try:
        yield make_app(database_url, RATELIMIT_ENABLED=True)
    finally:
        make_app(database_url, RATELIMIT_ENABLED=True)  # back to memory:// storage
        limiter.reset()
        limiter.enabled = False


def test_a_guest_writes_at_most_ten_statements_an_hour(limited, make_user, make_process):
    from civic.extensions import db
    from civic.opinions import services
    from civic.opinions.models import Conversation

    process = make_process(features=("opinions_open",))
    conversation = services.save_conversation(
        Conversation(process_id=process.id),
        {**SETTINGS, "voters": "guests", "moderation": "pre", "seeds": ""},
        make_user(roles=("staff",)))
    guest, other = limited.test_client(), limited.test_client()
    url = f"/opinions/{conversation.id}/statements"
    # The first post, before the guest has a cookie, counts against the address (the limit on
    # new guests); the next ten against the guest.
    statuses = [guest.post(url, data={"body": f"意見{i}"}).status_code for i in range(12)]
    assert statuses == [302] * 11 + [429]
    # Another guest (another cookie) behind the same address still gets through.
    assert other.post(url, data={"body": "別の人の意見"}).status_code == 302
    db.session.remove()
