from sqlalchemy import select

from civic.accounts.models import User
from civic.extensions import db
from civic.matching import services as matching
from civic.meetings import services
from civic.meetings.models import Meeting


def test_demo_has_a_full_meeting_with_a_waiting_list_and_matching_offers(app, ctx):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    counts = [services.counts(m) for m in db.session.scalars(select(Meeting))]
    assert any(c.full and c.waiting >= 1 for c in counts)
    assert any(m.minutes_published_at for m in db.session.scalars(select(Meeting)))
    for email in ("hana@example.jp", "minh@example.jp", "resident@example.jp"):
        person = db.session.scalar(select(User).where(User.email == email))
        assert matching.suggestions_for(person), email
