"""A proposal's public history: translated events, and the office instead of staff names when
the ward chooses so."""

import re

import pytest

from civic.audit.services import record
from civic.extensions import db
from civic.proposals import services


def _history(page: str) -> list[str]:
    block = re.search(r'<details class="history">.*?</details>', page, re.S).group(0)
    return [item.split(" — ", 1)[1] for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


@pytest.fixture
def walked_through(app, make_user, make_area, make_process, make_proposal):
    area = make_area()
    process = make_process(features=("proposals_open", "supports_open"))
    author = make_user(area=area, name="提案者の山田")
    staff = make_user(roles=("staff",), name="区民協働課 田中")
    moderator = make_user(roles=("moderator",), name="モデレーター 高橋")
    proposal = make_proposal(process, author, state="draft")
    services.take_step(author, proposal, "submit")
    services.take_step(staff, proposal, "publish")
    services.take_step(staff, proposal, "evaluate")
    services.save_review(staff, proposal, {"公益性": 4}, "")
    record(moderator, "moderation.hidden", proposal, reason="spam")
    record(moderator, "moderation.restored", proposal)
    db.session.commit()
    return proposal


def test_history_shows_translated_events_and_names(client, walked_through):
    entries = _history(client.get(f"/proposals/{walked_through.id}").text)
    assert entries == ["提案者の山田さんが作成",
                       "事前相談に提出 (提案者の山田)",
                       "公開 (区民協働課 田中)",
                       "審査を開始 (区民協働課 田中)",
                       "審査員が採点 (区民協働課 田中)"]
    english = client.get(f"/proposals/{walked_through.id}?lang=en").text
    assert "Submitted for prior consultation (提案者の山田)" in _history(english)
    assert "proposal." not in english and "moderation." not in english


def test_a_ward_can_show_its_office_instead_of_staff_names(app, client, walked_through):
    app.config["CIVIC_HISTORY_OFFICE"] = "区民協働課"
    try:
        from civic.extensions import cache

        cache.clear()  # the history is a cached fragment; the setting is read at rendering
        entries = _history(client.get(f"/proposals/{walked_through.id}").text)
    finally:
        app.config["CIVIC_HISTORY_OFFICE"] = None
    assert entries[1:] == ["事前相談に提出 (提案者の山田)", "公開 (区民協働課)",
                           "審査を開始 (区民協働課)", "審査員が採点 (区民協働課)"]
    assert not any("田中" in entry for entry in entries)


def test_an_automatic_step_says_so(client, make_user, make_area, make_process, make_proposal):
    proposal = make_proposal(make_process(), make_user(area=make_area()))
    record(None, "proposal.evaluate", proposal, source="published", to="evaluation")
    db.session.commit()
    entries = _history(client.get(f"/proposals/{proposal.id}?lang=en").text)
    assert entries[-1] == "Review started (automatic)"
