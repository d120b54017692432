import pytest

from civic.extensions import db
from civic.opinions import services
from civic.opinions.models import Conversation

SETTINGS = {"question": "川沿いの公園をどうする？", "description": "短い意見に投票してください。",
            "statement_length": 140, "moderation": "post", "voters": "signed_in",
            "participants_write": True, "map_public": True}


@pytest.fixture
def make_conversation(make_user, make_process):
    def make(process=None, seeds=("ベンチを増やしてほしい", "夜は明るくしてほしい",
                                  "駐車場を広げるべきだ"), staff=None, **settings):
        staff = staff or make_user(roles=("staff",))
        process = process or make_process(features=("opinions_open",))
        conversation = services.save_conversation(
            Conversation(process_id=process.id),
            {**SETTINGS, **settings, "seeds": "\n".join(seeds)}, staff)
        return db.session.get(Conversation, conversation.id)

    return make
