"""On a phone: a resident writes a proposal, staff take it through 事前相談 and publish it, a
neighbour supports and comments with a stance, staff start the review, and the proposer finds it
all under the bell."""

from playwright.sync_api import expect
from sqlalchemy import select

from civic.extensions import db
from civic.proposals.models import Proposal
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE


def _log_in(page, user):
    page.goto("/login")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


def _phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="ja-JP",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_resident_proposes_staff_review_a_neighbour_supports_and_the_proposer_is_told(
        phone, browser, live_server, shoot, make_user, make_area, make_process):
    area = make_area(name="青葉台地区")
    process = make_process(title="協働事業提案", features=(
        "proposals_open", "supports_open", "comments_open"))
    author = make_user(area=area, name="山本")
    neighbour = make_user(area=area, name="花子")
    staff = make_user(roles=("staff",), name="区民協働課")

    page = phone
    _log_in(page, author)
    page.goto(f"/processes/{process.slug}/proposals")
    page.get_by_role("link", name="提案する").click()
    page.get_by_label("タイトル").fill("公園に木陰のベンチを")
    page.get_by_label("提案内容").fill("夏の公園で休める場所がほしい。\n\n- ベンチ5基\n- 月1回の清掃")
    shoot(page, "1-write")
    page.get_by_role("button", name="下書き保存").click()
    page.get_by_role("button", name="提出して事前相談を申し込む").click()
    expect(page.get_by_text("提出済み").first).to_be_visible()
    shoot(page, "2-submitted")
    proposal = db.session.scalar(select(Proposal))

    staff_context, office = _phone(browser, live_server)
    _log_in(office, staff)
    office.goto(f"/proposals/{proposal.id}")
    office.get_by_role("button", name="事前相談を始める").click()
    office.get_by_role("button", name="公開する").click()
    expect(office.get_by_text("公開中").first).to_be_visible()
    context, other = _phone(browser, live_server)
    _log_in(other, neighbour)
    other.goto(f"/proposals/{proposal.id}")
    other.get_by_role("button", name="この提案に賛同する").click()
    expect(other.get_by_text("賛同ありがとうございます。")).to_be_visible()
    other.get_by_label("コメント", exact=True).fill("日よけもあると助かります。")
    other.get_by_label("賛成").check()
    other.get_by_role("button", name="コメントする").click()
    expect(other.get_by_text("日よけもあると助かります。")).to_be_visible()
    assert other.locator(".stance-for").first.inner_text() == "賛成"
    shoot(other, "3-supported-and-commented")
    context.close()

    office.goto(f"/proposals/{proposal.id}")
    office.get_by_role("button", name="審査を始める").click()
    expect(office.get_by_text("審査中").first).to_be_visible()
    staff_context.close()

    # The proposer: consultation, publication, the comment and the review are under the bell.
    page.goto("/")
    bell = page.locator("a.bell")
    assert bell.locator(".count").inner_text() == "4"
    shoot(page, "4-bell")
    bell.click()
    expect(page.get_by_role("heading", name="お知らせ")).to_be_visible()
    told = page.get_by_role("button", name="花子さんが「公園に木陰のベンチを」にコメントしました。")
    expect(told).to_be_visible()
    expect(page.get_by_text("あなたの提案「公園に木陰のベンチを」は「審査中」になりました。")).to_be_visible()
    shoot(page, "5-notifications")
    told.click()
    expect(page.locator(".comment").get_by_text("日よけもあると助かります。")).to_be_visible()
    assert page.locator("a.bell .count").inner_text() == "3"

    db.session.expire_all()
    stored = db.session.get(Proposal, proposal.id)
    assert (stored.state, stored.support_count, stored.comment_count) == ("evaluation", 1, 1)
