"""Polis open data out of and into the app, and the statements handed to themes."""

import csv
import io
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from civic.extensions import db
from civic.opinions import services
from civic.opinions.models import Conversation, OpinionParticipant, OpinionVote, Statement
from tests.conftest import login

POLIS = Path(__file__).resolve().parents[3] / "shared" / "data" / "polis" / "15-per-hour-seattle"


def _vote_everyone(conversation, people=6):
    for i in range(people):
        participant, _token = services.join(conversation, None, None)
        db.session.flush()
        for j, statement in enumerate(conversation.statements):
            services.vote(conversation, participant, statement, (1, -1, 0)[(i + j) % 3])


def test_export_is_polis_open_data(client, make_conversation, make_user, held_jobs):
    staff = make_user(roles=("staff",))
    conversation = make_conversation(staff=staff)
    _vote_everyone(conversation)
    held_jobs.run()
    login(client, staff)
    response = client.get(f"/opinions/{conversation.id}/export.zip")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["comments.csv", "participants-votes.csv", "votes.csv"]
    header = next(csv.reader(io.StringIO(archive.read("participants-votes.csv").decode())))
    assert header[:6] == ["participant", "group-id", "n-comments", "n-votes", "n-agree",
                          "n-disagree"]
    assert header[6:] == [str(s.id) for s in conversation.statements]
    votes = list(csv.reader(io.StringIO(archive.read("votes.csv").decode())))
    assert votes[0] == ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
    assert len(votes) == 1 + 6 * 3
    comments = archive.read("comments.csv").decode()
    assert "ベンチを増やしてほしい" in comments


def test_an_export_imports_back_into_a_new_conversation(make_conversation, make_user,
                                                         held_jobs):
    staff = make_user(roles=("staff",))
    conversation = make_conversation(staff=staff)
    _vote_everyone(conversation)
    archive = zipfile.ZipFile(io.BytesIO(services.export_zip(conversation)))
    files = {name: archive.read(name) for name in archive.namelist()}
    copy = services.import_polis(conversation.process, "コピー", files, staff)
    assert [s.body for s in copy.statements] == [s.body for s in conversation.statements]
    assert db.session.scalar(select(func.count(OpinionVote.id)).where(
        OpinionVote.conversation_id == copy.id)) == 18


def test_staff_import_a_real_polis_conversation(client, make_process, make_user, held_jobs):
    staff = make_user(roles=("staff",))
    process = make_process(features=("opinions_open",))
    login(client, staff)
    response = client.post(f"/processes/{process.slug}/opinions/import", data={
        "question": "$15/hour",
        "comments": (io.BytesIO((POLIS / "comments.csv").read_bytes()), "comments.csv"),
        "participants_votes": (io.BytesIO((POLIS / "participants-votes.csv").read_bytes()),
                               "participants-votes.csv"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    conversation = db.session.scalar(select(Conversation))
    assert db.session.scalar(select(func.count(OpinionParticipant.id))) > 100
    held_jobs.run()
    assert services.current_result(conversation).data["k"] >= 2


def test_a_broken_file_imports_nothing(client, make_process, make_user):
    process = make_process(features=("opinions_open",))
    login(client, make_user(roles=("staff",)))
    response = client.post(f"/processes/{process.slug}/opinions/import", data={
        "question": "壊れた", "comments": (io.BytesIO(b"not,a,polis,file\n"), "comments.csv"),
        "votes": (io.BytesIO(b"x\n"), "votes.csv"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Conversation.id))) == 0
    assert db.session.scalar(select(func.count(Statement.id))) == 0


def test_staff_send_the_statements_to_themes(client, make_conversation, make_user, held_jobs):
    from civic.insights.models import Analysis, AnalysisComment

    staff = make_user(roles=("staff",))
    conversation = make_conversation(staff=staff)
    login(client, staff)
    response = client.post(f"/opinions/{conversation.id}/themes")
    assert response.status_code == 302
    analysis = db.session.scalar(select(Analysis))
    texts = db.session.scalars(select(AnalysisComment.text).where(
        AnalysisComment.analysis_id == analysis.id)).all()
    assert sorted(texts) == sorted(s.body for s in conversation.statements)


def test_staff_actions_are_audited(client, make_conversation, make_user, held_jobs):
    from civic.audit.models import AuditEvent

    staff = make_user(roles=("staff",))
    conversation = make_conversation(staff=staff)
    login(client, staff)
    client.post(f"/opinions/{conversation.id}/seeds", data={"seeds": "もう一つ\nさらに一つ"})
    client.post(f"/opinions/{conversation.id}/recompute")
    client.get(f"/opinions/{conversation.id}/export.zip")
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"opinions.created", "opinions.seeded", "opinions.recompute",
            "opinions.exported"} <= set(actions)
    assert len(db.session.get(Conversation, conversation.id).statements) == 5


def test_staff_start_a_conversation_from_the_process_page(client, make_process, make_user):
    process = make_process(features=("opinions_open",))
    login(client, make_user(roles=("staff",)))
    assert "/opinions/new" in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    response = client.post(f"/processes/{process.slug}/opinions/new", data={
        "question": "駅前をどうする？", "description": "", "statement_length": "140",
        "moderation": "pre", "voters": "guests", "participants_write": "y",
        "map_public": "y", "seeds": "広場がほしい\n\n自転車置き場がほしい\n"})
    assert response.status_code == 302
    conversation = db.session.scalar(select(Conversation))
    assert (conversation.moderation, conversation.voters) == ("pre", "guests")
    assert [s.body for s in conversation.statements] == ["広場がほしい", "自転車置き場がほしい"]
    bad = client.post(f"/processes/{process.slug}/opinions/new", data={
        "question": "長すぎ", "statement_length": "5000", "moderation": "pre", "voters": "guests"})
    assert bad.status_code == 422 and "長すぎ" in bad.get_data(as_text=True)
