"""An opinion map on a 320 px phone with JavaScript off: vote, write, see oneself on the map."""

from playwright.sync_api import expect

from civic.opinions import demo
from tests.e2e.test_accessibility import _violations

NARROW = {"width": 320, "height": 640}


def test_a_guest_votes_with_javascript_off_and_finds_themself_on_the_map(
        browser, live_server, shoot, make_process, make_user):
    conversation = demo.load(make_process(title="川端のこれから", features=("opinions_open",)),
                             make_user(roles=("staff",)), participants=120)
    vote_page, map_page = f"/opinions/{conversation.id}", f"/opinions/{conversation.id}/map"
    no_js = browser.new_context(viewport=NARROW, base_url=live_server, locale="ja-JP",
                                java_script_enabled=False, is_mobile=True, has_touch=True)
    # axe-core and the layout measurements run scripts: a second phone with JavaScript on.
    with_js = browser.new_context(viewport=NARROW, base_url=live_server, locale="ja-JP",
                                  is_mobile=True, has_touch=True)
    try:
        page = no_js.new_page()
        page.set_default_timeout(20_000)
        page.goto(vote_page)
        expect(page.locator("#left")).to_contain_text("60")
        shoot(page, "1-statement")
        for button in ("賛成", "反対", "パス", "賛成", "賛成", "反対", "賛成", "パス"):
            before = page.locator("blockquote.opinion-text").inner_text()
            page.get_by_role("button", name=button, exact=True).click()
            page.wait_for_load_state()
            assert page.locator("blockquote.opinion-text").inner_text() != before
        expect(page.locator("#left")).to_contain_text("52")

        page.goto(map_page)
        expect(page.locator("svg.opinion-map-svg")).to_be_visible()
        expect(page.locator(".opinion-group").first).to_be_visible()
        # The votes were recomputed by a job; once it ran the map rings the guest's own dot.
        for _ in range(40):
            if page.locator("circle.me").count():
                break
            page.wait_for_timeout(250)
            page.reload()
        expect(page.locator("circle.me")).to_have_count(1)
        shoot(page, "2-map")

        checker = with_js.new_page()
        for path in (vote_page, map_page):
            checker.goto(path)
            assert checker.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
            assert not _violations(checker)
    finally:
        no_js.close()
        with_js.close()
