import pytest

from civic.cafe import services
from civic.cafe.models import Cafe
from civic.extensions import db

CAFE_DATA = {
    "title": "川沿いの10年後", "purpose": "語り合う", "mode": "classic",
    "questions": "今の暮らしは？\n10年後は？\n何から始める？",
    "round_count": 3, "round_minutes": 20, "table_size": 3, "table_lines": "",
    "verification_required": False,
}


@pytest.fixture
def make_cafe(make_user, make_process):
    def make(facilitator=None, process=None, **data):
        facilitator = facilitator or make_user(roles=("facilitator",))
        process = process or make_process(features=("cafe_open",))
        cafe = services.create_cafe(process, {**CAFE_DATA, **data}, facilitator)
        return db.session.get(Cafe, cafe.id)

    return make


@pytest.fixture
def seated_cafe(make_cafe):
    """A café of 7 guests (3 tables of 3, 2, 2), started."""
    def make(people=7, **data):
        cafe = make_cafe(**data)
        guests = [services.join(cafe, guest_name=f"ゲスト{i}") for i in range(people)]
        services.start(cafe, None)
        return db.session.get(Cafe, cafe.id), guests

    return make
