"""A small public world for the API, beside the private and hidden things it must never show."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from civic.budgets import services as budget_services
from civic.budgets.models import Ballot, BallotItem, Budget, BudgetProject
from civic.comments.models import Comment
from civic.extensions import db
from civic.proposals.models import ProgressUpdate
from civic.timeutil import utcnow


def comment_on(proposal, author, body, **extra):
    comment = Comment(target_type="proposal", target_id=proposal.id, author_id=author.id,
                      body=body, **extra)
    db.session.add(comment)
    db.session.commit()
    return comment


def budget_in(process, title, costs, votes=()):
    """A budget with projects of ``costs`` and checked-out ballots choosing ``votes`` (project
    positions, from 1), counted as the job counts it."""
    budget = Budget(process_id=process.id, title=title, amount=1000)
    for n, cost in enumerate(costs, start=1):
        budget.projects.append(BudgetProject(code=str(n), position=n, title=f"{title}の事業{n}",
                                             cost=cost))
    db.session.add(budget)
    db.session.flush()
    for n, chosen in enumerate(votes, start=1):
        ballot = Ballot(budget_id=budget.id, voter_code=f"voter-secret-{n}", state="checked_out",
                        total_cost=sum(costs[i - 1] for i in chosen), project_count=len(chosen))
        ballot.items = [BallotItem(project_id=budget.projects[i - 1].id, position=k)
                        for k, i in enumerate(chosen)]
        db.session.add(ballot)
    db.session.commit()
    budget_services.count(budget.id)
    return budget


@pytest.fixture
def budgets(world, make_process):
    """A budget whose results are published, one still voting (counted: a staff preview), and
    one in an unpublished process."""
    done = make_process(title="結果公表プロセス", features=("results_published",))
    voting = make_process(title="投票中プロセス", features=("ballots_open",))
    hidden = make_process(title="非公開予算プロセス", published=False,
                          features=("results_published",))
    return SimpleNamespace(
        published=budget_in(done, "公開予算", (600, 500, 400), [(1,), (1, 3), (2, 3)]),
        voting=budget_in(voting, "投票中予算", (300, 400), [(1,), (2,)]),
        hidden=budget_in(hidden, "非公開予算の秘密", (100,), [(1,)]))


@pytest.fixture
def world(make_user, make_area, make_process, make_proposal):
    area = make_area(name="中央地区", slug="chuo")
    author = make_user(email="hanako.secret@example.jp", name="花子", area=area)
    process = make_process(title="公開プロセス", area=area)
    published = make_proposal(process, author, title="公園のベンチ", published_at=utcnow(),
                              support_count=3, comment_count=1)
    accepted = make_proposal(process, author, title="図書館の朝開館", state="in_progress",
                             published_at=utcnow() - timedelta(days=30),
                             answered_at=utcnow() - timedelta(days=10),
                             answer="予算の範囲で実施します。")
    db.session.add(ProgressUpdate(proposal_id=accepted.id, author_id=author.id, kind="update",
                                  progress=40, body="開館時間を延長しました。"))
    db.session.commit()
    comment = comment_on(published, author, "賛成です。ベンチがほしい。", stance="for")
    return SimpleNamespace(area=area, author=author, process=process, published=published,
                           accepted=accepted, comment=comment)


@pytest.fixture
def results(world, make_user, make_process):
    """Public comments and surveys: one of each whose results everyone may read, beside a
    consultation still taking opinions, one closed but unanswered, one unpublished and one in an
    unpublished process, and surveys that are private, drafts or in an unpublished process."""
    from civic.consultations import services as consultations
    from civic.consultations.models import Consultation, Opinion, OpinionGroup, Section
    from civic.surveys.models import Survey, SurveyQuestion, SurveyResponse
    from civic.timeutil import ward_today

    today, day = ward_today(), timedelta(days=1)
    hidden_process = make_process(title="非公開の参加プロセス", published=False)
    staff = make_user(roles=("staff",), email="pc-staff.secret@example.jp", name="担当職員")

    def consultation(title, ends, process=world.process, published=True, answered=True,
                     publish=True):
        made = Consultation(process_id=process.id, title=title, draft="## 第1条\n本文",
                            starts_on=today - 40 * day, ends_on=today + ends * day,
                            published=published, created_by_id=staff.id,
                            sections=[Section(position=1, number="第1条", heading="目的",
                                              body="本文")])
        db.session.add(made)
        db.session.flush()
        group = OpinionGroup(consultation_id=made.id, label=f"{title}の項目",
                             summary=f"{title}の概要" if answered else "",
                             response=f"{title}の区の考え方" if answered else "",
                             disposition="partly" if answered else None)
        db.session.add(group)
        db.session.flush()
        for number, (body, extra) in enumerate((
                (f"{title}の意見本文", {"name": "意見者の氏名の秘密", "address": "住所の秘密1-2-3"}),
                ("090-1234-5678 個人情報を含む意見の秘密", {"hidden_reason": "個人情報"}),
                (f"{title}の郵送の意見", {"channel": "post"})), start=1):
            db.session.add(Opinion(consultation_id=made.id, number=number,
                                   receipt=f"PC{made.id}-{number:05d}", body=body,
                                   received_on=today - 3 * day, group_id=group.id,
                                   section_id=made.sections[0].id, **extra))
        db.session.flush()
        if publish:
            made.result = consultations.snapshot(made)
            made.result_published_at = utcnow()
        db.session.commit()
        return made

    answered = consultation("公園整備計画", -1)
    consultation("締切前の秘密", 20, publish=False)
    consultation("未回答の秘密", -1, answered=False, publish=False)
    consultation("非公開パブコメの秘密", -1, published=False)
    consultation("非公開プロセスのパブコメの秘密", -1, process=hidden_process)

    def survey(title, process=world.process, **extra):
        made = Survey(title=title, process_id=process.id, area_id=process.area_id,
                      **{"state": "closed", "results_public": True, **extra})
        db.session.add(made)
        db.session.flush()
        items = [SurveyQuestion(kind="single", label="公園をよく使いますか",
                                options=["毎日", "ときどき"], has_other=True),
                 SurveyQuestion(kind="scale", label="満足度", low=1, high=5),
                 SurveyQuestion(kind="matrix", label="施設の評価", rows=["遊具", "トイレ"],
                                low=1, high=3),
                 SurveyQuestion(kind="ranking", label="優先順位", options=["ベンチ", "日陰"]),
                 SurveyQuestion(kind="number", label="年に何回", low=0, high=400),
                 SurveyQuestion(kind="date", label="最後に来た日"),
                 SurveyQuestion(kind="long", label="ご意見")]
        for position, q in enumerate(items):
            q.survey_id, q.position = made.id, position
        db.session.add_all(items)
        db.session.flush()
        single, scale, matrix, ranking, number, when, text = (str(q.id) for q in items)
        for n, choice in enumerate((0, 1, -1)):
            db.session.add(SurveyResponse(
                survey_id=made.id, respondent_id=world.author.id if n == 0 else None,
                submitted_on=today, answers={
                    single: choice, f"{single}_other": "その他の自由記述の秘密",
                    scale: n + 3, matrix: [1, n + 1], ranking: [n % 2, 1 - n % 2],
                    number: 10 * (n + 1), when: f"2026-0{n + 1}-15",
                    text: f"自由記述の秘密{n}"}))
        made.answer_count = 3
        db.session.commit()
        return made

    public = survey("公園アンケート")
    survey("非公開結果アンケートの秘密", results_public=False)
    survey("下書きアンケートの秘密", state="draft")
    survey("非公開プロセスのアンケートの秘密", process=hidden_process)
    return SimpleNamespace(consultation=answered, survey=public)


def conversation_in(process, staff, question, seeds, **settings):
    from civic.opinions import services as opinions
    from civic.opinions.models import Conversation

    conversation = opinions.save_conversation(
        Conversation(process_id=process.id),
        {"question": question, "description": "", "statement_length": 140, "moderation": "post",
         "voters": "guests", "participants_write": True, "map_public": True,
         "seeds": "\n".join(seeds), **settings}, staff)
    return db.session.get(Conversation, conversation.id)


def two_camps(conversation, people=20):
    """Half agree with the first half of the statements, the others the opposite; everyone
    agrees with the last one; then the map is computed."""
    from civic.opinions import services as opinions

    *split, common = [s for s in conversation.statements if not s.is_hidden]
    half = len(split) // 2
    for i in range(people):
        participant, _token = opinions.join(conversation, None, None)
        db.session.flush()
        camp = 1 if i % 2 == 0 else -1
        for j, statement in enumerate(split):
            opinions.vote(conversation, participant, statement, camp if j < half else -camp)
        opinions.vote(conversation, participant, common, 1)
    db.session.commit()


@pytest.fixture
def opinion_maps(make_user, make_process, held_jobs):
    """A published map with a moderated-out statement, one whose map is for staff only, one in
    an unpublished process, and one never computed. The maps are computed here; the recomputes
    that the votes queue are held, or they would rewrite a map (and its ETag) between two
    requests of a test."""
    from civic.opinions import services as opinions
    from civic.timeutil import utcnow as now

    staff = make_user(roles=("staff",))
    process = make_process(title="意見プロセス", features=("opinions_open",))
    seeds = tuple(f"意見{i}" for i in range(6)) + ("みんなの意見",)
    published = conversation_in(process, staff, "公園をどうする？", ("隠された意見の秘密", *seeds))
    secret = published.statements[0]
    two_camps(published)
    participant, _token = opinions.join(published, None, None)
    db.session.flush()
    opinions.vote(published, participant, secret, 1)
    secret.hidden_at, secret.hidden_reason = now(), "不適切な内容"
    db.session.commit()
    opinions.recompute(published.id)
    staff_only = conversation_in(process, staff, "職員だけの地図の秘密", seeds, map_public=False)
    two_camps(staff_only)
    opinions.recompute(staff_only.id)
    hidden = conversation_in(make_process(title="非公開プロセスの秘密の意見", published=False,
                                          features=("opinions_open",)),
                             staff, "非公開の問いの秘密", seeds)
    two_camps(hidden)
    opinions.recompute(hidden.id)
    fresh = conversation_in(process, staff, "未集計の問いの秘密", seeds)
    db.session.commit()
    return SimpleNamespace(published=published, secret=secret, staff_only=staff_only,
                           hidden=hidden, fresh=fresh)


def cafe_in(process, facilitator, people, title, note, *, publish=True, **data):
    """A finished café where each of ``people`` (users or guest names) wrote a note at their
    table; its harvest published unless ``publish`` is false."""
    from civic.cafe import services as cafes
    from civic.cafe.models import Cafe

    cafe = cafes.create_cafe(process, {
        "title": title, "purpose": f"{title}の目的", "mode": "classic",
        "questions": f"{title}の問い", "round_count": 1, "round_minutes": 20, "table_size": 2,
        "table_lines": "", "verification_required": False, **data}, facilitator)
    for person in people:
        if isinstance(person, str):
            cafes.join(cafe, guest_name=person)
        else:
            cafes.join(cafe, user=person)
    cafes.start(cafe, facilitator)
    for n, participant in enumerate(cafes.participants(cafe)):
        cafes.add_note(cafe, participant, f"{note}{n}")
    cafes.mark_key(cafes.all_notes(cafe)[0], True)
    cafes.finish(cafe, facilitator)
    if publish:
        cafes.publish_harvest(cafe, facilitator)
    return db.session.get(Cafe, cafe.id)


@pytest.fixture
def cafes(world, make_user, make_process):
    """A café whose harvest is published (topic tables with meeting links), one finished but
    not published, and one published in an unpublished process; participants with names and
    addresses that must never appear."""
    facilitator = make_user(roles=("facilitator",), email="cafe-host.secret@example.jp",
                            name="進行役の名前の秘密")
    member = make_user(email="cafe-member.secret@example.jp", name="参加者の名前の秘密")
    people = (member, "ゲストの名前の秘密")
    published = cafe_in(world.process, facilitator, people, "公開カフェ", "公開されたメモ",
                        mode="topic", questions="",
                        table_lines="公園 | https://meet.example.jp/secret-link-1\n"
                                    "図書館 | https://meet.example.jp/secret-link-2")
    unpublished = cafe_in(world.process, facilitator, people, "未公開カフェの秘密",
                          "未公開カフェのメモの秘密", publish=False)
    hidden = cafe_in(make_process(title="非公開プロセスのカフェ", published=False,
                                  features=("cafe_open",)),
                     facilitator, people, "非公開プロセスのカフェの秘密", "非公開プロセスのメモの秘密")
    return SimpleNamespace(published=published, unpublished=unpublished, hidden=hidden)
