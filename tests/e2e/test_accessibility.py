"""WCAG checks in a real browser: axe-core on every main page (phone and desktop, ja and en),
a keyboard-only journey and a journey with JavaScript switched off."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from civic.extensions import db
from civic.timeutil import ward_today

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the published demo password


@pytest.fixture
def demo(ctx):
    """The demo ward, and the paths of its main pages."""
    from civic.budgets.models import Budget
    from civic.cafe.models import Cafe
    from civic.demo import ward
    from civic.proposals.models import Proposal
    from civic.spaces.models import Process

    ward.load(ward_today())
    processes = db.session.scalars(db.select(Process).order_by(Process.id)).all()
    proposal = db.session.scalars(db.select(Proposal).order_by(Proposal.id)).first()
    budget = db.session.scalars(db.select(Budget).order_by(Budget.id)).first()
    cafe = db.session.scalars(db.select(Cafe).order_by(Cafe.id)).first()
    from civic.meetings.models import Meeting

    meeting = db.session.scalars(db.select(Meeting).order_by(Meeting.id)).first()
    public = ["/meetings/", f"/meetings/{meeting.id}", "/matching/",
              "/", "/processes", "/accessibility", "/login", "/register", "/password/forgot",
              *[f"/processes/{p.slug}" for p in processes],
              f"/processes/{proposal.process.slug}/proposals", f"/proposals/{proposal.id}",
              f"/budgets/{budget.id}", f"/cafe/{cafe.join_code}"]
    signed_in = [f"/meetings/{meeting.id}", "/matching/", "/matching/offer",
                 "/", "/verify", "/account", f"/proposals/{proposal.id}", f"/budgets/{budget.id}",
                 f"/cafe/{cafe.join_code}"]
    return {"public": public, "signed_in": signed_in, "budget": budget, "proposal": proposal}


def _log_in(page, email="resident@example.jp"):
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


# WCAG 2.2 A and AA (target size included) and axe's best practices (unique landmarks, headings).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                      "wcag22aa", "best-practice"]}}


def _violations(page) -> list[str]:
    result = Axe().run(page, options=AXE_OPTIONS)
    return [f"{page.url}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
            for v in result.response["violations"]]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_nothing_on_the_main_pages(browser, live_server, demo, lang, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_server, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/?lang={lang}")
    found = []
    for path in demo["public"]:
        assert page.goto(path).ok, path
        assert page.locator("html").get_attribute("lang") == lang
        found += _violations(page)
    _log_in(page)
    page.goto(f"/?lang={lang}")
    page.locator("details.menu > summary").click()
    page.locator("#lang-select").select_option(lang)  # the resident's own setting wins over ?lang=
    with page.expect_navigation():
        page.locator("form[action='/language'] button").click()
    for path in demo["signed_in"]:
        assert page.goto(path).ok, path
        assert page.locator("html").get_attribute("lang") == lang
        found += _violations(page)
    page.goto("/")
    if lang == "ja":
        page.locator("details.menu > summary").click()
        with page.expect_navigation():
            page.get_by_role("button", name="ふりがなを表示").click()
        assert page.locator("ruby").count() > 0
        found += _violations(page)
    context.close()
    assert found == []


def _tab_to(page, name: str = "", element_id: str = "", limit: int = 120):
    """Press Tab until the focused element shows ``name`` (or has ``element_id``); it must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {id: el.id, text: (el.innerText || el.value || '').trim(),
                    outline: style.outlineStyle, width: style.outlineWidth};
        }""")
        if (element_id and focused["id"] == element_id) or (name and name in focused["text"]):
            assert focused["outline"] != "none" and focused["width"] != "0px", f"no visible focus: {focused}"
            return
    raise AssertionError(f"{name or element_id!r} cannot be reached with Tab")


def test_keyboard_only_resident_comments_on_a_proposal(browser, live_server, demo):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    proposal = demo["proposal"]
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "本文へ移動"
    _tab_to(page, "ログイン")
    page.keyboard.press("Enter")
    page.wait_for_url("**/login")
    _tab_to(page, element_id="email")
    page.keyboard.type("resident@example.jp")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    _tab_to(page, proposal.process.title)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/processes/{proposal.process.slug}")
    page.goto(f"/proposals/{proposal.id}")
    _tab_to(page, element_id="comment-body")
    page.keyboard.type("キーボードだけで書いたコメントです。")
    _tab_to(page, "コメントする")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("キーボードだけで書いたコメントです。")).to_be_visible()
    context.close()


def test_with_javascript_off_a_resident_votes_and_switches_language_and_furigana(browser, live_server,
                                                                                  demo):
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="ja-JP",
                                  java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in(page)
    budget = demo["budget"]
    page.goto(f"/budgets/{budget.id}")
    cheapest = sorted(budget.projects, key=lambda p: p.cost)[:2]
    for project in cheapest:
        page.locator(f'input[name="project"][value="{project.id}"]').check()
    page.get_by_role("button", name="確認して投票へ").click()
    page.wait_for_url("**/review")
    with page.expect_navigation():
        page.get_by_role("button", name="この内容で投票する").click()
    assert "/receipt" in page.url or page.get_by_text(cheapest[0].title).first.is_visible()

    page.goto("/")
    page.locator("details.menu > summary").click()
    page.locator("#lang-select").select_option("ja_easy")
    with page.expect_navigation():
        page.locator("form[action='/language'] button").click()
    assert page.locator("html").get_attribute("lang") == "ja"
    page.locator("details.menu > summary").click()
    with page.expect_navigation():
        page.locator("form[action='/furigana'] button").click()
    assert page.locator("ruby rt").count() > 0
    page.locator("details.menu > summary").click()
    page.locator("#lang-select").select_option("en")
    with page.expect_navigation():
        page.locator("form[action='/language'] button").click()
    assert page.locator("html").get_attribute("lang") == "en" and page.locator("ruby").count() == 0
    context.close()
