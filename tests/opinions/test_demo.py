"""The demo conversation: about 400 participants, 60 statements, a few groups, common ground."""

from sqlalchemy import select

from civic.extensions import db
from civic.opinions import demo, services
from civic.opinions.models import Conversation


def test_demo_conversation_has_recognisable_groups_and_common_ground(make_process, make_user):
    conversation = demo.load(make_process(features=("opinions_open",)),
                             make_user(roles=("staff",)))
    conversation = db.session.scalar(select(Conversation))
    assert len(conversation.statements) == 60
    result = services.current_result(conversation)
    assert result.data["participant_count"] == 400
    assert 2 <= result.data["k"] <= 3
    texts = services.statement_texts(conversation)
    consensus = {texts[row["statement"]] for row in result.data["consensus"]}
    assert consensus & set(demo.COMMON)
    assert not consensus & set(demo.NATURE + demo.LIVELY)
