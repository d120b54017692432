"""The phone header: one row (name, bell or log in, menu), the menu opens without JavaScript,
and the bell is a drawing, not an emoji that shows as a box without colour-emoji fonts."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

ROW = 60  # px: one row of 44 px targets with its padding


@pytest.mark.parametrize("width", [320, 360])
def test_one_row_for_guests_and_for_someone_with_every_link(browser, live_server, make_user,
                                                            shoot, width):
    admin = make_user(roles=("admin", "staff", "moderator"), email="all@example.jp")
    for who in ("guest", "admin"):
        context = browser.new_context(viewport={"width": width, "height": 640}, locale="ja-JP",
                                      base_url=live_server, java_script_enabled=False)
        page = context.new_page()
        if who == "admin":
            page.goto("/login")
            page.fill("#email", admin.email)
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.click("main form [type=submit]")
        page.goto("/")
        header = page.locator("header.site-header")
        assert header.bounding_box()["height"] <= ROW, who
        assert page.evaluate("document.documentElement.scrollWidth") <= width, who
        if who == "admin":
            bell = page.locator("a.bell")
            assert bell.locator("svg").count() == 1 and "🔔" not in bell.inner_text()
            assert bell.get_attribute("href") == "/notifications"
        menu = page.locator("details.menu")
        assert not page.locator("#lang-select").is_visible()
        menu.locator("summary").click()  # a <details>: opens with JavaScript off
        expect(page.locator("#lang-select")).to_be_visible()
        links = ["参加プロセス"] + (["職員用", "モデレーション", "管理", "マイページ"]
                                  if who == "admin" else ["新規登録"])
        for name in links:
            assert page.get_by_role("link", name=name, exact=True).is_visible(), (who, name)
        shoot(page, f"{width}-{who}-open")
        page.locator("#lang-select").select_option("en")
        with page.expect_navigation():
            page.locator("form[action='/language'] button").click()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("header.site-header").bounding_box()["height"] <= ROW
        context.close()


def test_the_bell_shows_the_unread_count_in_the_row(phone, make_user):
    from civic.extensions import db
    from civic.notifications import services as notifications

    user = make_user()
    notifications.notify(user.id, "comment", actor=None, subject="返信", endpoint="spaces.home",
                         url_values={})
    db.session.commit()
    phone.goto("/login")
    phone.fill("#email", user.email)
    phone.fill("#password", PASSWORD)
    with phone.expect_navigation():
        phone.click("main form [type=submit]")
    assert phone.locator("a.bell .count").inner_text() == "1"
    expect(phone.locator("a.bell")).to_be_visible()
