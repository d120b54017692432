"""無作為抽出 in a real browser: a resident replies on a phone with JavaScript off, then staff
set the quotas, publish the commitment and draw the panel."""

from playwright.sync_api import expect
from sqlalchemy import select

from civic.extensions import db
from civic.sortition import services
from civic.sortition.models import LotteryDraw, Reply
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.sortition.test_lottery import register_csv, reply_everyone


def test_a_phone_replies_without_javascript_and_staff_draw_the_panel(browser, live_server, app,
                                                                     make_user, shoot):
    staff = make_user(roles=("staff",), email="lottery-staff@example.jp")
    with app.test_request_context():
        lottery = services.create_lottery({
            "title": "区民討議会", "purpose": "川沿いのまちを話し合う", "letter_text": "",
            "event_dates": "2月6日（土）", "panel_size": 4, "retention_on": None, "area": None,
            "cafe": None, "extra_features": []}, staff)
        services.import_register(lottery, register_csv(300), staff)
        services.draw_invitations(lottery, 40, True, staff, seed="e2e")
        code = services.reply_code(lottery, 40)
    db.session.refresh(lottery)
    reply_everyone(app, lottery, 30)

    resident = browser.new_context(base_url=live_server, locale="ja-JP", viewport=PHONE,
                                   is_mobile=True, has_touch=True, java_script_enabled=False)
    desk = browser.new_context(base_url=live_server, locale="ja-JP",
                               viewport={"width": 1280, "height": 900})
    try:
        phone = resident.new_page()
        phone.goto("/reply")
        phone.get_by_label("返信用コード").fill(services.format_code(code))
        phone.get_by_role("button", name="次へ").click()
        expect(phone.get_by_role("heading", name="区民討議会")).to_be_visible()
        phone.get_by_label("はい、参加したいです").check()
        phone.get_by_label("2月6日（土）").check()
        phone.get_by_label("名前").fill("川端 花子")
        phone.get_by_label("メールアドレスまたは電話番号").fill("hanako@example.jp")
        phone.get_by_label("年代").select_option("30代")
        phone.get_by_label("性別").select_option("女性")
        phone.get_by_label("地区", exact=True).select_option("川端地区")
        phone.get_by_label("車椅子での参加").check()
        phone.get_by_label("回答が参加者の抽選に使われ").check()
        shoot(phone, "reply")
        phone.get_by_role("button", name="回答を送る").click()
        expect(phone.get_by_text("回答を受け付けました")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        db.session.expire_all()
        reply = db.session.scalar(select(Reply).where(Reply.name == "川端 花子"))
        assert reply.needs == ["wheelchair"] and reply.available_dates == ["2月6日（土）"]

        page = desk.new_page()
        page.goto("/login")
        page.locator("input[name=email]").fill(staff.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_load_state()
        page.goto(f"/staff/lotteries/{lottery.id}/quotas")
        page.get_by_role("button", name="割り当てを保存する").click()
        expect(page.get_by_text("割り当てを保存しました。")).to_be_visible()
        page.get_by_role("button", name="入力データとコミットメントを公開する").click()
        draw = db.session.scalar(select(LotteryDraw))
        public = desk.new_page()
        public.goto(f"/lotteries/{lottery.id}")
        expect(public.get_by_text(draw.commitment)).to_be_visible()
        page.get_by_label("公開の場で引いた数字（任意）").fill("4649")
        page.get_by_role("button", name="参加者を抽選する").click()
        expect(page.get_by_role("heading", name="参加者", exact=True)).to_be_visible()
        db.session.expire_all()
        draw = db.session.scalar(select(LotteryDraw))
        assert len(draw.panel) == 4 and draw.seed.endswith("-4649")
        for person in draw.panel:
            expect(page.get_by_role("cell", name=person, exact=True).first).to_be_visible()
        shoot(page, "panel")
    finally:
        resident.close()
        desk.close()
