"""A world café on phones: a facilitator runs it, phones join, write notes, move tables."""

from playwright.sync_api import expect
from sqlalchemy import select

from civic.cafe import services
from civic.cafe.models import Cafe, CafeNote, CafeParticipant
from civic.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE

NAMES = ["あおい", "ひなた", "そら", "りく"]


def seat_number(name, round_number):
    db.session.expire_all()
    cafe = db.session.scalar(select(Cafe))
    person = db.session.scalar(select(CafeParticipant).where(CafeParticipant.display_name == name))
    return services.seat_of(person, cafe.round(round_number)).number


def test_facilitator_runs_a_cafe_and_phones_follow_the_rounds(browser, live_server, shoot,
                                                              make_user, make_process):
    facilitator = make_user(roles=("facilitator",), email="fac@example.jp")
    process = make_process(title="川端まちづくり", features=("cafe_open",))
    cafe = services.create_cafe(process, {
        "title": "川沿いの10年後", "purpose": "", "mode": "classic",
        "questions": "今の川辺の好きなところは？\n10年後にどうなっていてほしい？",
        "round_count": 2, "round_minutes": 15, "table_size": 2, "table_lines": "",
        "verification_required": False}, facilitator)
    code = cafe.join_code

    contexts = []

    def new_page(**extra):
        context = browser.new_context(base_url=live_server, locale="ja-JP", **extra)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    try:
        console = new_page(viewport={"width": 1280, "height": 900})
        console.goto("/login")
        console.locator("input[name=email]").fill(facilitator.email)
        console.locator("input[name=password]").fill(PASSWORD)
        console.locator("form:has(input[name=password]) [type=submit]").click()
        console.wait_for_load_state()
        console.goto(f"/cafes/{cafe.id}/console")
        qr = console.locator("img[src$='/qr.svg']")
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")

        phones = {}
        for name in NAMES:
            phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
            phone.goto(f"/cafe/{code}")
            phone.locator("input[name=display_name]").fill(name)
            phone.locator("form:has(input[name=display_name]) [type=submit]").click()
            phone.wait_for_url(f"**/cafe/{code}/me")
            phones[name] = phone
        shoot(phones[NAMES[0]], "1-waiting")

        console.reload()
        for name in NAMES:
            expect(console.get_by_text(name).first).to_be_visible()
        console.locator("form[action$='/console/start'] button").click()
        console.wait_for_load_state()
        shoot(console, "2-console")

        # Without reloading, every phone learns its table and the question (polling).
        for name, phone in phones.items():
            table = seat_number(name, 1)
            phone.locator("#my-table").wait_for()
            assert str(table) in phone.locator("#my-table").inner_text()
            assert "今の川辺の好きなところは？" in phone.locator("#cafe-live").inner_text()
            expect(phone.locator("[role=timer]")).to_be_visible()
        shoot(phones[NAMES[1]], "3-round-1")

        for name, phone in phones.items():
            phone.locator("textarea[name=body]").fill(f"{name}のメモ")
            phone.locator("form:has(textarea[name=body]) [type=submit]").click()
            phone.wait_for_url(f"**/cafe/{code}/me")
            assert f"{name}のメモ" in phone.locator("#cafe-live").inner_text()
        assert db.session.scalar(select(db.func.count()).select_from(CafeNote)) == len(NAMES)

        # Live notes on the console, side by side.
        console.locator("#cafe-live .cafe-note").nth(len(NAMES) - 1).wait_for()

        console.locator("form[action$='/console/end'] button").click()
        console.wait_for_load_state()
        console.locator("form[action$='/console/next'] button").click()
        console.wait_for_load_state()

        moved = 0
        for name, phone in phones.items():
            before, after = seat_number(name, 1), seat_number(name, 2)
            expect(phone.locator("#cafe-live")).to_contain_text("10年後", timeout=20_000)
            expect(phone.locator("#my-table")).to_contain_text(str(after))
            if after == before:
                continue
            moved += 1
            # The travellers read what the previous round wrote at their new table.
            earlier = [n.body for n in db.session.scalars(select(CafeNote))
                       if n.table.number == after]
            text = phone.locator("#cafe-live").inner_text()
            assert earlier and all(body in text for body in earlier)
        assert moved >= 2
        shoot(phones[NAMES[2]], "4-round-2")
        overflow = phones[NAMES[0]].evaluate(
            "document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
    finally:
        for context in contexts:
            context.close()
