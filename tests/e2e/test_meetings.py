"""Meetings and matching on a phone: the waiting list of a full meeting, and a matching
journey from an offer to the group's confirmation."""

from datetime import timedelta

from playwright.sync_api import expect

from civic.extensions import db
from civic.matching import services as matching
from civic.meetings import services
from civic.timeutil import utcnow
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE


def _log_in(page, email):
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()


def _page(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="ja-JP",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_a_full_meeting_puts_me_on_the_waiting_list_until_someone_cancels(
        phone, make_user, make_process, make_area):
    staff, first, me = make_user(roles=("staff",)), make_user(), make_user()
    starts = utcnow() + timedelta(days=3)
    meeting = services.create({"kind": "briefing", "title": "公園の説明会", "starts_at": starts,
                               "ends_at": starts + timedelta(hours=2), "capacity": 1,
                               "online_url": "https://meet.example.jp/p", "published": True},
                              staff, process=make_process(area=make_area()))
    services.sign_up(meeting, first)
    my_email = me.email
    ticket = f"a[href='/meetings/{meeting.id}/ticket']"

    _log_in(phone, my_email)
    phone.goto(f"/meetings/{meeting.id}")
    phone.locator(f"form[action='/meetings/{meeting.id}/signup'] button[type=submit]").click()
    expect(phone.locator("#signup-state")).to_contain_text("1")
    expect(phone.locator(ticket)).to_have_count(0)

    services.cancel_signup(services.signup_of(meeting, first), first)
    db.session.remove()
    phone.reload()
    expect(phone.locator(ticket)).to_be_visible()


def test_offer_suggested_need_accept_and_the_group_confirms(
        browser, live_server, phone, make_user, make_area):
    from civic.groups.models import Group, GroupMembership

    area, admin, me = make_area(), make_user(), make_user(name="手話のできる人")
    group = Group(slug="salon", name="ふれあいサロン", area_id=area.id, kind="welfare")
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMembership(group_id=group.id, user_id=admin.id, role="admin",
                                   state="confirmed"))
    db.session.commit()
    need = matching.create_need(group, {"title": "見守り訪問", "skills": "手話",
                                        "slots": ["sat-am"], "people_needed": 1}, admin)
    need_id, my_email, admin_email, my_id = need.id, me.email, admin.email, me.id
    db.session.remove()

    _log_in(phone, my_email)
    phone.goto("/matching/offer")
    phone.locator("input[name=skills]").fill("手話、料理")
    phone.locator("input[name=slots][value=sat-am]").check()
    phone.locator("form [type=submit].primary").click()
    suggestion = phone.locator(f"#suggestions a[href='/matching/needs/{need_id}']")
    expect(suggestion).to_be_visible()
    expect(phone.locator("#suggestions .reasons")).to_contain_text("手話")
    suggestion.click()
    phone.locator(f"form[action='/matching/needs/{need_id}/accept'] [type=submit]").click()
    expect(phone.locator("#response-state")).to_be_visible()

    context, group_page = _page(browser, live_server)
    try:
        _log_in(group_page, admin_email)
        group_page.goto(f"/matching/needs/{need_id}/responses")
        expect(group_page.get_by_text("手話のできる人")).to_be_visible()
        group_page.locator("button[name=decision][value=confirm]").click()
        expect(group_page.locator(".flash, [role=status], .success").first).to_be_visible()
    finally:
        context.close()
    phone.reload()
    expect(phone.locator("#response-state")).to_be_visible()
    db.session.remove()
    from civic.accounts.models import User

    person = db.session.get(User, my_id)
    assert matching.response_of(db.session.get(type(need), need_id), person).state == "confirmed"
