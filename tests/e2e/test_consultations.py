"""パブリックコメント in a real browser: a resident sends an opinion on a phone with JavaScript
off (write → check → receipt), and staff go from review to the published answer; axe-core
finds nothing on the pages either of them sees."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from civic.consultations import services
from civic.consultations.models import Consultation, Opinion
from civic.extensions import db
from civic.timeutil import ward_today
from tests.conftest import PASSWORD, wait_for_job
from tests.e2e.test_accessibility import _violations

PHONE = {"width": 390, "height": 844}


def _send(page, consultation, check=lambda page: None) -> str:
    """From the draft to the receipt through the opinion form; ``check`` looks at each page."""
    page.goto(f"/consultations/{consultation.id}")
    check(page)
    page.get_by_role("link", name="この区分に意見を出す").nth(1).click()
    expect(page.locator("#body")).to_be_visible()
    page.locator("#body").fill("清掃だけでなく、子どもの見守りも活動に入れてください。")
    page.locator("#name").fill("青葉 花子")
    check(page)
    page.get_by_role("button", name="確認画面へ").click()
    expect(page.get_by_role("heading", name="ご意見の確認")).to_be_visible()
    check(page)
    page.get_by_role("button", name="修正する").click()
    expect(page.locator("#body")).to_have_value("清掃だけでなく、子どもの見守りも活動に入れてください。")
    page.get_by_role("button", name="確認画面へ").click()
    page.get_by_role("button", name="送信", exact=True).click()
    receipt = page.locator("#receipt-number")
    expect(receipt).to_be_visible()
    check(page)
    return receipt.inner_text()


def test_a_resident_sends_an_opinion_on_a_section_with_javascript_off(browser, live_server, ctx):
    from civic.demo import ward

    ward.load(ward_today())
    consultation = db.session.scalars(db.select(Consultation).order_by(Consultation.id.desc())
                                      ).first()
    for javascript in (False, True):
        context = browser.new_context(viewport=PHONE, base_url=live_server, locale="ja-JP",
                                      java_script_enabled=javascript)
        page = context.new_page()
        page.set_default_timeout(15_000)
        found = []
        # axe needs JavaScript: the same pages, with it on, are checked on the second pass.
        number = _send(page, consultation, (lambda p, found=found: found.extend(_violations(p)))
                       if javascript else (lambda p: None))
        assert number == f"PC{consultation.id}-0000{2 if javascript else 1}"
        assert found == []
        context.close()
    db.session.expire_all()
    sent = db.session.scalars(db.select(Opinion).where(Opinion.consultation_id == consultation.id)
                              ).all()
    assert [(o.section.number, o.name, o.channel) for o in sent] == [("第2条", "青葉 花子", "web")] * 2


def test_staff_review_group_answer_and_publish(phone, make_process, make_user):
    staff = make_user(roles=("staff",), email="pc-e2e@example.jp")
    process = make_process(features=("consultations_open",), starts=-60, ends=30)
    today = ward_today()
    consultation = services.save(Consultation(process_id=process.id, process=process), {
        "title": "自転車駐車場の整備計画（案）", "summary": "", "language": "ja",
        "draft": "## 第1条（目的）\n駅前の放置自転車を減らす。\n\n## 第2条（整備）\n駐車場を2か所つくる。",
        "starts_on": today - timedelta(days=40), "ends_on": today - timedelta(days=1),
        "who": "anyone", "published": True, "ask_name": "optional", "ask_address": "off",
        "ask_age_band": "off", "ask_organisation": "off"}, staff)
    texts = ["駅前に屋根つきの駐輪場がほしい。", "駐輪場の料金を安くしてほしい。",
             "放置自転車の撤去を増やしてください。", "駐輪場を24時間使えるようにしてほしい。",
             "子ども乗せ自転車の置ける場所を。", "電話090-1111-2222の人の自転車が邪魔。"]
    for text in texts + ["駐輪場の料金を安くしてほしい。"] * 3:
        services.submit(consultation, {"body": text})

    phone.goto("/login")
    phone.locator("input[name=email]").fill(staff.email)
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form:has(input[name=password]) [type=submit]").click()
    phone.wait_for_load_state()
    phone.goto(f"/staff/consultations/{consultation.id}")
    phone.get_by_role("link", name="意見の確認：重複、非公表").click()
    phone.get_by_role("button", name="同じ文面の意見を重複として扱う").click()
    expect(phone.locator(".flash-success")).to_contain_text("3件")
    phone.get_by_role("link", name=re.compile(rf"PC{consultation.id}-00006")).click()
    phone.locator("#reason").fill("個人情報を含むため")
    phone.locator("form[action$='/hide'] button").click()
    expect(phone.locator(".notice")).to_contain_text("個人情報を含むため")

    phone.goto(f"/staff/consultations/{consultation.id}/groups")
    assert _violations(phone) == []
    phone.get_by_role("button", name="グループを提案（テーマ分析）").click()
    job_id = int(re.search(r"/jobs/(\d+)", phone.url).group(1))
    assert wait_for_job(job_id).status == "done"
    phone.goto(f"/staff/consultations/{consultation.id}/groups")
    links = phone.locator("table a[href*='/groups/']")
    expect(links.first).to_be_visible()
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:
        phone.goto(href)
        phone.locator("#summary").fill("駐輪場の増設と料金についての意見")
        phone.locator("#response").fill("駅前に屋根つきの駐輪場を整備し、料金も見直します。")
        phone.locator("input[name=disposition][value=partly]").check()
        phone.get_by_role("button", name="回答を保存").click()
        expect(phone.locator(".flash-success")).to_be_visible()
    phone.goto(f"/staff/consultations/{consultation.id}")
    phone.get_by_role("link", name="回答を公表").click()
    phone.get_by_role("button", name="回答を公表").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("意見の概要と区の考え方")
    expect(phone.locator("table.pc-answers")).to_contain_text("一部反映")
    assert "090-1111-2222" not in phone.content()
    assert _violations(phone) == []
