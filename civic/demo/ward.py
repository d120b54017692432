"""The demo ward: さくら区, a fictional Tokyo ward with five areas, two processes and every role.

Everything is created relative to today, so the processes are always in a live phase.
"""

from datetime import timedelta

from sqlalchemy import func, select

from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.extensions import db
from civic.opinions import demo as opinions_demo
from civic.sortition import demo as sortition_demo
from civic.spaces.models import Area, Phase, Process, StaffArea
from civic.timeutil import utcnow

DEMO_PASSWORD = "demo-password"  # noqa: S105 - published on purpose; production refuses demo accounts  # nosec B105

AREAS = [
    ("honcho", "本町地区", "区役所と商店街のある、区の中心部です。"),
    ("aobadai", "青葉台地区", "丘の上の住宅地。子育て世帯が増えています。"),
    ("kawabata", "川端地区", "川沿いの下町。町会・自治会の活動が盛んです。"),
    ("midorigaoka", "緑ヶ丘地区", "大きな公園と高齢者施設がある地区です。"),
    ("konan", "港南地区", "再開発が進む湾岸エリア。外国籍の住民も多く暮らしています。"),
]

# email, display name, roles, residency area slug (verified), staff area slugs
PEOPLE = [
    ("admin@example.jp", "管理者 さくら", ("admin", "staff"), None, ()),
    ("staff@example.jp", "区民協働課 田中", ("staff",), None, ()),
    ("aobadai.staff@example.jp", "地域担当 佐藤", ("staff",), None, ("aobadai",)),
    ("facilitator@example.jp", "ファシリテーター 鈴木", ("facilitator",), "kawabata", ()),
    ("moderator@example.jp", "モデレーター 高橋", ("moderator",), None, ()),
    ("resident@example.jp", "青葉台の山本", (), "aobadai", ()),
    ("hana@example.jp", "本町の花子", (), "honcho", ()),
    ("minh@example.jp", "Nguyen Minh", (), "konan", ()),
    ("newcomer@example.jp", "転入したばかりの伊藤", (), None, ()),
]


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User)) and not db.session.scalar(
        select(func.count()).select_from(Area))


def load(today) -> dict:
    """Create the ward. Returns what the command prints: accounts and unused residency codes."""
    areas = {}
    for position, (slug, name, description) in enumerate(AREAS):
        areas[slug] = Area(slug=slug, name=name, description=description, position=position)
        db.session.add(areas[slug])
    db.session.flush()

    people = {}
    for email, name, roles, home, staff_areas in PEOPLE:
        user = User(email=email, display_name=name, locale="ja", is_demo=True,
                    email_confirmed_at=utcnow())
        user.set_password(DEMO_PASSWORD)
        for role in ("resident", *roles):
            user.grant(role)
        db.session.add(user)
        db.session.flush()
        for slug in staff_areas:
            db.session.add(StaffArea(user_id=user.id, area_id=areas[slug].id))
        people[email] = (user, home)
    db.session.commit()

    admin = people["admin@example.jp"][0]
    # Verify residents the way real ones are: with a code the ward issued.
    for user, home in people.values():
        if home:
            _batch, (code,) = accounts.issue_codes(areas[home], 1, "letter", 365, admin)
            accounts.redeem_code(user, code)
    _batch, spare_codes = accounts.issue_codes(areas["honcho"], 5, "letter", 365, admin)

    day = timedelta(days=1)
    proposals = Process(
        slug="kyodo-2026",
        title="令和8年度 協働事業提案制度",
        summary="区民・団体と区が力を合わせて地域の課題に取り組む事業を募集します。",
        description=(
            "さくら区では、区民の皆さんやNPO・町会などの団体と区が役割を分担し、"
            "協働で取り組む事業の提案を募集しています。\n\n"
            "事前相談のあと提案を公開し、審査を経て採択された事業は翌年度に実施します。"
        ),
        area=None, published=True, created_by_id=admin.id,
    )
    proposals.phases = [
        Phase(position=0, title="提案募集", starts_on=today - 14 * day, ends_on=today + 30 * day,
              description="提案の受付と事前相談を行います。", proposals_open=True,
              supports_open=True, comments_open=True),
        Phase(position=1, title="審査", starts_on=today + 31 * day, ends_on=today + 60 * day,
              description="審査会が公益性・協働の相乗効果・具体性を評価します。", comments_open=True),
        Phase(position=2, title="結果公表", starts_on=today + 61 * day, ends_on=today + 120 * day,
              description="採択結果と理由を公表します。", results_published=True),
    ]
    budget = Process(
        slug="aobadai-budget-2026",
        title="青葉台地区 地域予算 2026",
        summary="青葉台地区の500万円の使い道を、住民の投票で決めます。",
        description=(
            "地区の住民から寄せられたアイデアを区が検討し、実施可能な事業を投票にかけます。"
            "青葉台地区に住んでいることを確認できた方が投票できます。"
        ),
        area=areas["aobadai"], published=True, created_by_id=admin.id,
    )
    budget.phases = [
        Phase(position=0, title="アイデア募集", starts_on=today - 60 * day,
              ends_on=today - 31 * day, proposals_open=True, comments_open=True),
        Phase(position=1, title="投票", starts_on=today - 30 * day, ends_on=today + 10 * day,
              description="予算の範囲内で、実施してほしい事業を選んでください。",
              ballots_open=True, comments_open=True),
        Phase(position=2, title="結果発表", starts_on=today + 11 * day, ends_on=today + 60 * day,
              results_published=True),
    ]
    cafe = Process(
        slug="kawabata-cafe",
        title="川端地区 まちづくりワールドカフェ",
        summary="川沿いの暮らしの10年後を、少人数のテーブルで語り合います。",
        description="オンラインのワールドカフェです。スマートフォンから参加できます。",
        area=areas["kawabata"], published=True, created_by_id=admin.id,
    )
    cafe.phases = [
        Phase(position=0, title="参加受付", starts_on=today - 7 * day, ends_on=today + 14 * day,
              cafe_open=True, comments_open=True, opinions_open=True),
    ]
    db.session.add_all([proposals, budget, cafe])
    db.session.commit()
    demo_cafe = _demo_cafe(cafe, people["facilitator@example.jp"][0])
    _demo_budget(budget, areas["aobadai"], admin)
    _demo_proposals(proposals, {email: user for email, (user, _home) in people.items()}, areas)
    from civic.areas import demo as areas_demo
    from civic.consultations import demo as consultations_demo
    from civic.groups import demo as groups_demo
    from civic.matching import demo as matching_demo
    from civic.meetings import demo as meetings_demo
    from civic.places import demo as places_demo
    from civic.surveys import demo as surveys_demo

    by_email = {email: user for email, (user, _home) in people.items()}
    staff = people["staff@example.jp"][0]
    opinions_demo.load(cafe, staff)
    places_demo.load(areas)
    groups_demo.load(areas, today, by_email)
    sortition_demo.load(staff, [name for _slug, name, _text in AREAS], demo_cafe, today)
    surveys_demo.load(today, staff)
    consultations_demo.load(today, staff,
                            [people[e][0] for e in ("resident@example.jp", "hana@example.jp")])
    meetings_demo.load(areas, today, by_email)
    matching_demo.load(areas, by_email)
    areas_demo.load(areas, admin, today)  # after the groups: goals link their activities

    return {
        "password": DEMO_PASSWORD,
        "accounts": [(email, name, ", ".join(("resident", *roles)))
                     for email, name, roles, _home, _staff in PEOPLE],
        "codes": [accounts.format_code(code) for code in spare_codes],
        "code_area": areas["honcho"].name,
    }


# title, description, cost (yen)
DEMO_BUDGET_PROJECTS = [
    ("青葉台公園の照明をLEDに",
     "夜の公園が暗く、通り抜けが不安という声が多く寄せられました。園内の照明12基をLEDに替えます。",
     1_200_000),
    ("通学路のカーブミラーと路面表示",
     "見通しの悪い交差点3か所にカーブミラーを付け、「とまれ」の路面表示を塗り直します。", 800_000),
    ("地区センター図書コーナーの本を増やす", "子ども向けの本と大きな文字の本を約600冊増やします。",
     600_000),
    ("公園の木陰にベンチを5基",
     "高齢の方が散歩の途中で休めるよう、木陰にベンチを置きます。町会が清掃を担います。", 900_000),
    ("防災倉庫の備蓄を入れ替え",
     "期限の近い水と食料、簡易トイレを入れ替え、乳幼児用の備蓄を加えます。", 1_500_000),
    ("青葉台川沿いの花壇づくり",
     "住民ボランティアと一緒に、川沿いの遊歩道に花壇を3か所つくります。", 400_000),
    ("子ども食堂の調理器具",
     "地区センターで月2回開く子ども食堂の業務用調理器具をそろえます。", 700_000),
    ("高齢者向けスマホ相談会",
     "地区センターで月1回、スマートフォンの使い方相談会を1年間開きます。", 300_000),
]
# Paper ballots entered at the 出張所 (each: the projects chosen, by index above).
DEMO_PAPER_BALLOTS = [(0, 1, 3), (0, 4), (1, 2, 5, 7), (0, 1, 2), (4, 6), (3, 5, 7, 2), (0, 3, 6),
                      (1, 4), (2, 6, 7), (0, 1, 5)]


def _demo_budget(process, area, admin) -> None:
    """A knapsack budget with projects and a few paper ballots already counted."""
    from civic.budgets.models import Ballot, BallotItem, Budget, BudgetProject

    budget = Budget(process_id=process.id, area_id=area.id, title="青葉台地区 地域予算（500万円）",
                    # What the budget is about; how to vote is the ballot's own instruction.
                    description="住民から寄せられたアイデアのうち、区が実施できると確かめた8つの事業です。",
                    amount=5_000_000, voting_method="knapsack", rule="equalshares/add1",
                    created_by_id=admin.id, ballot_count=len(DEMO_PAPER_BALLOTS))
    budget.projects = [BudgetProject(code=str(n + 1), position=n, title=title, description=text,
                                     cost=cost, area_id=area.id)
                       for n, (title, text, cost) in enumerate(DEMO_BUDGET_PROJECTS)]
    db.session.add(budget)
    db.session.flush()
    for n, picks in enumerate(DEMO_PAPER_BALLOTS, start=1):
        chosen = [budget.projects[i] for i in picks]
        ballot = Ballot(budget_id=budget.id, voter_code=f"paper-{n:03d}", state="checked_out",
                        total_cost=sum(p.cost for p in chosen), project_count=len(chosen),
                        cost_limit=budget.amount, checked_out_at=process.created_at)
        ballot.items = [BallotItem(project_id=p.id, position=k) for k, p in enumerate(chosen)]
        db.session.add(ballot)
    db.session.commit()


def _demo_cafe(process, facilitator):
    """A café waiting to start, with a few guests already at the door."""
    from civic.cafe import services as cafe_services

    cafe = cafe_services.create_cafe(process, {
        "title": "川沿いの暮らし、10年後",
        "purpose": "川端地区の10年後を、立場の違う人と少人数で語り合います。",
        "mode": "classic",
        "questions": "川辺で好きな場所・困っていることは？\n10年後、どんな川端になっていてほしい？\n"
                     "そのために、明日からできることは？",
        "round_count": 3, "round_minutes": 20, "table_size": 4,
        "table_lines": "", "verification_required": False,
    }, facilitator)
    for name in ("町会の佐々木", "高校生のみゆ", "カフェ店主の森", "子育て中の大野", "釣り好きの岡"):
        cafe_services.join(cafe, guest_name=name)
    return cafe


# title, body, author, area, state, cost, residents' role, ward's role, KPIs
DEMO_PROPOSALS = [
    ("青葉台公園に木陰のベンチを", "夏の公園は日陰が少なく、高齢の方が休めません。\n\n- 木陰にベンチを5基\n"
     "- 町会で月1回の清掃", "resident@example.jp", "aobadai", "published", 800000,
     "清掃と見守り", "ベンチの設置", "利用者数、清掃回数"),
    ("学童保育の定員を空き教室で増やす",
     "待機児童が毎年出ています。**空き教室**を放課後だけ使わせてください。",
     "hana@example.jp", "honcho", "evaluation", 1500000, "見守りボランティアの募集", "教室の提供",
     "受け入れ人数"),
    ("多言語の防災マップづくり",
     "外国籍の住民と一緒に、やさしい日本語と英語・ベトナム語の防災マップを作ります。",
     "minh@example.jp", "konan", "accepted", 400000, "翻訳とまち歩き", "印刷と配布",
     "配布部数、ワークショップ参加者数"),
    ("商店街の空き店舗で子ども食堂", "月2回、空き店舗で子ども食堂を開きたいです。", "hana@example.jp",
     "honcho", "consultation", 600000, "調理と運営", "店舗所有者との調整", "参加人数"),
]


def _demo_proposals(process, people, areas) -> None:
    """A few 協働事業提案 in different states, with supports, comments and a review."""
    from civic.comments import services as comment_services
    from civic.proposals import services as proposal_services
    from civic.proposals.models import Proposal, ProposalSettings, Support

    db.session.add(ProposalSettings(process_id=process.id, kind="citizen", theme="",
                                    categories=["子育て", "防災", "高齢者", "まちの魅力"],
                                    criteria=list(proposal_services.DEFAULT_CRITERIA)))
    staff = people["staff@example.jp"]
    made = []
    for title, body, email, area, state, cost, residents, ward, kpis in DEMO_PROPOSALS:
        proposal = Proposal(process_id=process.id, author_id=people[email].id, title=title,
                            body=body, area_id=areas[area].id, state=state, estimated_cost=cost,
                            role_residents=residents, role_ward=ward, kpis=kpis,
                            published_at=utcnow())
        if state == "accepted":
            proposal.answer = "地域の防災力を高め、外国籍住民との協働の効果が大きいため採択します。"
            proposal.answered_at = utcnow()
        db.session.add(proposal)
        db.session.flush()
        proposal_services.reindex(proposal)
        made.append(proposal)
    supporters = [people[e] for e in ("resident@example.jp", "hana@example.jp",
                                      "minh@example.jp", "facilitator@example.jp")]
    for proposal in made[:3]:
        for person in supporters:
            if person.id != proposal.author_id:
                db.session.add(Support(proposal_id=proposal.id, user_id=person.id,
                                       process_id=process.id))
                proposal.support_count += 1
    db.session.commit()
    bench = made[0]
    first = comment_services.add(people["hana@example.jp"], "proposal", bench.id,
                                 "夏祭りのときにも使えて良いと思います。", "for")
    comment_services.add(people["resident@example.jp"], "proposal", bench.id,
                         "ありがとうございます。設置場所も一緒に考えたいです。", parent_id=first.id)
    comment_services.add(people["minh@example.jp"], "proposal", bench.id,
                         "ベンチの数より、まず日よけの屋根が必要では。", "against")
    comment_services.add(people["facilitator@example.jp"], "proposal", made[1].id,
                         "放課後の見守りには地域の人材も活かせそうです。", "neutral")
    comment_services.add(staff, "proposal", made[2].id, "協定に向けて準備を進めます。")
