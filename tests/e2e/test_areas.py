"""The area page on a phone (320 px; it has no script of its own): the karte, its charts and the vision
are visible, nothing is wider than the screen, and axe-core finds nothing; the comparison too."""

from playwright.sync_api import expect

from civic.timeutil import ward_today
from tests.e2e.test_accessibility import _violations


def test_the_area_page_on_a_phone(browser, live_server, ctx, shoot):
    from civic.demo import ward

    ward.load(ward_today())
    context = browser.new_context(viewport={"width": 320, "height": 640}, base_url=live_server,
                                  locale="ja-JP", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/areas")
    page.get_by_role("link", name="本町地区").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("本町地区")
    expect(page.get_by_role("heading", name="地域カルテ")).to_be_visible()
    expect(page.locator("table.facts").first).to_contain_text("人口")
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_role("heading", name="にぎわいと安心が続く、区の顔となるまち")).to_be_visible()
    expect(page.locator(".goal progress").first).to_be_visible()
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"the page is {wide} px wider than the phone"
    shoot(page, "area")
    found = _violations(page)
    page.get_by_role("link", name="地区を比べる").first.click()
    expect(page.locator("table.compare")).to_contain_text("青葉台地区")
    shoot(page, "compare")
    found += _violations(page)
    context.close()
    assert not found, "\n".join(found)
