from datetime import timedelta

import pytest

from civic.extensions import db
from civic.meetings import services
from civic.timeutil import utcnow


@pytest.fixture
def make_meeting(make_user, make_process, make_area):
    def make(process=None, capacity=2, starts_in=timedelta(days=3), staff=None, **data):
        process = process or make_process(area=make_area())
        staff = staff or make_user(roles=("staff",))
        starts = utcnow() + starts_in
        fields = {"kind": "briefing", "title": "公園の説明会", "description": "説明します",
                  "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                  "online_url": "https://meet.example.jp/x", "capacity": capacity,
                  "childcare_offered": True, "published": True, **data}
        meeting = services.create(fields, staff, process=process)
        return db.session.get(type(meeting), meeting.id)

    return make
