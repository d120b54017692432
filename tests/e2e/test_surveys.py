"""A resident answers a survey on a phone with JavaScript off; staff read the results. axe-core
(which needs JavaScript, so in the staff's browser) finds nothing on the answer and results pages."""


import pytest
from playwright.sync_api import expect

from civic.extensions import db
from civic.surveys import demo
from civic.surveys.models import Survey, SurveyResponse
from civic.timeutil import ward_today
from tests.conftest import PASSWORD
from tests.e2e.test_accessibility import _violations

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def survey(ctx, make_user):
    staff = make_user(email="staff@example.jp", roles=("staff",))
    survey = demo.load(ward_today(), staff, answers=30)
    return {"id": survey.id, "questions": [(q.id, q.kind) for q in survey.questions]}


def _log_in(page, email):
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def test_resident_answers_on_a_phone_without_javascript(browser, live_server, survey, make_user):
    make_user(email="resident@example.jp")
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="ja-JP",
                                  java_script_enabled=False, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, "resident@example.jp")
    page.goto(f"/surveys/{survey['id']}")
    expect(page.get_by_text("区政運営の参考にするため")).to_be_visible()
    page.get_by_role("button", name="次へ").click()  # nothing chosen: the required questions
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("30代").check()
    page.locator("select[name^=q]").first.select_option(label="川端地区")
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_text("2ページ目")).to_be_visible()
    page.get_by_label("4", exact=True).first.check()
    page.get_by_role("button", name="次へ").click()
    page.locator("textarea").fill("川沿いに木陰のベンチがほしいです。")
    page.get_by_role("button", name="回答を送信する").click()
    expect(page.get_by_role("heading", name="ご回答ありがとうございました")).to_be_visible()
    context.close()
    db.session.expire_all()
    assert db.session.get(Survey, survey["id"]).answer_count == 31
    texts = [r.answers for r in db.session.scalars(db.select(SurveyResponse))]
    assert any("川沿いに木陰のベンチがほしいです。" in a.values() for a in texts)


def test_staff_read_the_results(browser, live_server, survey):
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, "staff@example.jp")
    page.goto(f"/surveys/{survey['id']}")  # axe needs JavaScript: the answer page is checked here
    assert _violations(page) == []
    page.goto(f"/surveys/{survey['id']}/results")
    expect(page.get_by_role("heading", name="さくら区の住みやすさ")).to_be_visible()
    expect(page.get_by_role("button", name="回答をテーマに分類する")).to_be_visible()
    assert _violations(page) == []
    page.get_by_role("button", name="表を表示").click()
    expect(page.locator("table.matrix-result")).to_be_visible()
    assert _violations(page) == []
    context.close()
