"""The first journey of a new resident, on a phone: register → confirm the address → log in →
residency code → process → English."""

from playwright.sync_api import expect

from civic.accounts import services
from tests.conftest import PASSWORD


def test_register_verify_open_a_process_and_switch_to_english(phone, shoot, make_user, make_area,
                                                              make_process):
    area = make_area(name="青葉台地区")
    staff = make_user(roles=("staff",))
    _batch, (code,) = services.issue_codes(area, 1, "letter", 30, staff)
    make_process(title="青葉台地区 地域予算", area=area, features=("ballots_open",))

    page = phone
    page.goto("/")
    page.get_by_text("メニュー").click()  # the header's menu holds the links and switches
    page.get_by_role("link", name="新規登録").click()
    page.get_by_label("メールアドレス").fill("yamamoto@example.jp")
    page.get_by_label("表示名").fill("山本")
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_label("パスワード（確認用）").fill(PASSWORD)
    shoot(page, "1-register")
    page.get_by_role("button", name="アカウントを作成").click()

    # The confirmation link goes out by mail; opening it is what the resident does next.
    page.wait_for_url("**/login")
    expect(page.get_by_text("確認のためのリンクをお送りしました")).to_be_visible()
    token = services.confirmation_token(services.find_user_by_email("yamamoto@example.jp"))
    page.goto(f"/account/confirm/{token}")
    page.get_by_role("button", name="メールアドレスを確認する").click()
    page.wait_for_url(lambda url: "/login?next=" in url)
    page.get_by_label("メールアドレス").fill("yamamoto@example.jp")
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    page.wait_for_url("**/verify")
    page.get_by_label("居住確認コード").fill(services.format_code(code).lower())
    shoot(page, "2-code")
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    expect(page.get_by_text("青葉台地区の住民として確認されました。")).to_be_visible()
    page.get_by_role("link", name="青葉台地区 地域予算").click()
    assert page.get_by_role("heading", level=1).inner_text() == "青葉台地区 地域予算"
    expect(page.get_by_text("予算に投票する")).to_be_visible()
    shoot(page, "3-process")

    page.get_by_text("メニュー").click()
    page.get_by_label("言語").select_option("en")
    page.get_by_role("button", name="切り替え").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Phases")).to_be_visible()
    expect(page.get_by_text("Vote on the budget")).to_be_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "青葉台地区 地域予算"
    shoot(page, "4-english")


def test_pages_fit_a_320px_phone_without_sideways_scrolling(phone, make_process, live_server):
    make_process(title="とても長いタイトルの参加プロセス：地域の未来をみんなで考えるための会議")
    phone.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/processes", "/login", "/register"):
        phone.goto(path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        skip = phone.get_by_role("link", name="本文へ移動")
        assert skip.count() == 1
