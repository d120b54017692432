"""On a phone: a resident writes a proposal, staff publish it, a neighbour supports and comments."""

from sqlalchemy import select

from civic.extensions import db
from civic.proposals import services
from civic.proposals.models import Proposal
from tests.conftest import PASSWORD


def _log_in(page, user):
    page.goto("/login")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


def test_resident_proposes_and_a_neighbour_supports_and_comments(
        phone, browser, live_server, shoot, make_user, make_area, make_process):
    area = make_area(name="青葉台地区")
    process = make_process(title="協働事業提案", features=(
        "proposals_open", "supports_open", "comments_open"))
    author = make_user(area=area, name="山本")
    neighbour = make_user(area=area, name="花子")
    staff = make_user(roles=("staff",))

    page = phone
    _log_in(page, author)
    page.goto(f"/processes/{process.slug}/proposals")
    page.get_by_role("link", name="提案する").click()
    page.get_by_label("タイトル").fill("公園に木陰のベンチを")
    page.get_by_label("提案内容").fill("夏の公園で休める場所がほしい。\n\n- ベンチ5基\n- 月1回の清掃")
    shoot(page, "1-write")
    page.get_by_role("button", name="下書き保存").click()
    page.get_by_role("button", name="提出して事前相談を申し込む").click()
    assert page.get_by_text("提出済み").first.is_visible()
    shoot(page, "2-submitted")

    proposal = db.session.scalar(select(Proposal))
    services.take_step(staff, proposal, "publish")

    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server,
                                  locale="ja-JP", is_mobile=True, has_touch=True)
    other = context.new_page()
    _log_in(other, neighbour)
    other.goto(f"/proposals/{proposal.id}")
    other.get_by_role("button", name="この提案に賛同する").click()
    assert other.get_by_text("賛同ありがとうございます。").is_visible()
    other.get_by_label("コメント", exact=True).fill("日よけもあると助かります。")
    other.get_by_label("賛成").check()
    other.get_by_role("button", name="コメントする").click()
    assert other.get_by_text("日よけもあると助かります。").is_visible()
    assert other.locator(".stance-for").first.inner_text() == "賛成"
    shoot(other, "3-supported-and-commented")
    context.close()

    db.session.expire_all()
    stored = db.session.get(Proposal, proposal.id)
    assert (stored.support_count, stored.comment_count) == (1, 1)
