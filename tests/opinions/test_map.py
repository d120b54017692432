"""Recomputing the map through jobs (debounced), the SVG map, the staff report, the API data."""

import numpy as np
from sqlalchemy import func, select

from civic.extensions import db
from civic.jobs.models import Job
from civic.opinions import drawing, services
from civic.opinions.models import OpinionResult
from tests.conftest import login


def _two_camps(conversation, people=40):
    """Half agree with the first half of the statements and reject the rest; the others the
    opposite; everyone agrees with the last statement (common ground)."""
    statements = conversation.statements
    *split, common = statements
    half = len(split) // 2
    participants = []
    for i in range(people):
        participant, _token = services.join(conversation, None, None)
        db.session.flush()
        participants.append(participant)
        camp = 1 if i % 2 == 0 else -1
        for j, statement in enumerate(split):
            services.vote(conversation, participant, statement, camp if j < half else -camp)
        services.vote(conversation, participant, common, 1)
    return participants


SEEDS = tuple(f"意見{i}" for i in range(8)) + ("みんなの意見",)


def test_votes_queue_one_recompute_at_a_time(make_conversation, held_jobs):
    conversation = make_conversation(seeds=SEEDS)
    _two_camps(conversation, people=4)
    # 36 votes, one job waiting: the burst shares it.
    assert len(held_jobs) == 1
    assert db.session.scalar(select(func.count(Job.id))) == 1
    held_jobs.run()
    result = services.current_result(conversation)
    assert result.votes_version == db.session.get(type(conversation), conversation.id).votes_version


def test_the_map_shows_two_groups_and_the_common_ground(client, make_conversation, held_jobs,
                                                       make_user):
    conversation = make_conversation(seeds=SEEDS)
    _two_camps(conversation)
    held_jobs.run()
    result = db.session.scalar(select(OpinionResult))
    assert result.data["k"] == 2
    sizes = sorted(g["size"] for g in result.data["groups"])
    assert sizes == [20, 20]
    common = conversation.statements[-1].id
    assert common in [row["statement"] for row in result.data["consensus"]]
    # The split statements spread people on the map; the one everybody agrees with does not.
    assert set(result.extremity) == {str(s.id) for s in conversation.statements}
    assert result.extremity[str(common)] < min(
        result.extremity[str(s.id)] for s in conversation.statements[:-1])
    html = client.get(f"/opinions/{conversation.id}/map").get_data(as_text=True)
    assert "<svg" in html and html.count('class="hull hull-') == 2
    assert "みんなの意見" in html
    assert "<script" not in html.split("<svg")[1].split("</svg>")[0]


def test_the_map_marks_the_voters_own_position(client, make_conversation, make_user, held_jobs):
    conversation = make_conversation(seeds=SEEDS)
    _two_camps(conversation, people=20)
    login(client, make_user())
    for statement in conversation.statements:
        client.post(f"/opinions/{conversation.id}/statements/{statement.id}/vote",
                    data={"vote": "agree"})
    held_jobs.run()
    html = client.get(f"/opinions/{conversation.id}/map").get_data(as_text=True)
    assert 'class="me"' in html


def test_the_staff_report_compares_groups_by_what_people_shared(
        client, make_conversation, make_user, make_area, held_jobs):
    area = make_area(name="川端地区")
    staff = make_user(roles=("staff",))
    conversation = make_conversation(seeds=SEEDS, staff=staff)
    participants = _two_camps(conversation)
    for participant in participants[::2]:
        services.share(participant, "30s", area.id)
    held_jobs.run()
    login(client, staff)
    html = client.get(f"/opinions/{conversation.id}/report").get_data(as_text=True)
    assert "川端地区" in html and "<table" in html
    assert ">20<" in html  # the 20 people of one camp who shared


def test_the_published_report_names_no_participant(make_conversation, held_jobs):
    conversation = make_conversation(seeds=SEEDS)
    _two_camps(conversation)
    held_jobs.run()
    report = services.published_report(conversation)
    assert report["participant_count"] == 40 and len(report["groups"]) == 2
    assert report["consensus"][0]["text"] == "みんなの意見"
    assert "participants" not in report
    conversation.map_public = False
    db.session.commit()
    assert services.published_report(conversation) is None


def test_hull_and_scale():
    square = [(0, 0), (1, 0), (1, 1), (0, 1), (0.5, 0.5)]
    assert sorted(drawing.convex_hull(square)) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    scaled = drawing.scale([(-3.0, 0.0), (3.0, 0.0)])
    assert scaled == [(drawing.MARGIN, 50.0), (100 - drawing.MARGIN, 50.0)]
    assert np.isfinite(drawing.scale([(1.0, 1.0)])[0]).all()
