"""A resident fills a participatory-budget ballot on a phone, overshoots, fixes it, checks out."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from civic.budgets import services
from civic.budgets.models import Ballot, Budget, BudgetProject
from civic.extensions import db
from tests.conftest import PASSWORD


def test_phone_ballot_bar_overrun_checkout_receipt(phone, shoot, make_user, make_area,
                                                   make_process):
    area = make_area(name="青葉台地区")
    resident = make_user(area=area, email="voter@example.jp")
    process = make_process(title="青葉台 地域予算", area=area, features=("ballots_open",))
    budget = Budget(process_id=process.id, area_id=area.id, title="青葉台の500万円",
                    amount=5_000_000)
    for n, (title, cost) in enumerate([("公園の照明をLEDに", 2_000_000),
                                       ("通学路のカーブミラー", 1_500_000),
                                       ("図書室の本を増やす", 2_500_000)]):
        budget.projects.append(BudgetProject(code=str(n + 1), position=n, title=title, cost=cost))
    db.session.add(budget)
    db.session.commit()
    budget_id = budget.id
    first, second, third = (p.id for p in budget.projects)

    phone.goto("/login")
    phone.locator("input[name=email]").fill(resident.email)
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form:has(input[name=password]) [type=submit]").click()
    phone.wait_for_load_state()
    phone.goto(f"/budgets/{budget_id}")

    meter = phone.locator("#ballot-meter")
    expect(meter).to_have_attribute("value", "0")
    phone.locator(f"input[name=project][value='{first}']").check()
    phone.locator(f"input[name=project][value='{second}']").check()
    expect(phone.locator("[data-remaining]")).to_contain_text("1,500,000")
    assert float(meter.evaluate("m => m.value")) == 3_500_000
    shoot(phone, "1-filled")

    phone.locator(f"input[name=project][value='{third}']").check()
    expect(phone.locator("[data-over]")).to_be_visible()
    phone.get_by_role("button", name=re.compile("確認|Review")).click()
    alert = phone.locator(".error-summary[role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("1,000,000")  # over by exactly this much
    expect(phone.locator(f"input[name=project][value='{third}']")).to_be_checked()
    shoot(phone, "2-over-budget")

    phone.locator(f"input[name=project][value='{second}']").uncheck()
    expect(phone.locator("[data-over]")).to_be_hidden()
    phone.get_by_role("button", name=re.compile("確認|Review")).click()
    expect(phone).to_have_url(re.compile(r"/ballot/review$"))
    expect(phone.locator("table")).to_contain_text("図書室の本を増やす")
    shoot(phone, "3-review")
    phone.locator("form[action$='/ballot/checkout'] button").click()
    code = phone.locator("#receipt-code")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    shoot(phone, "4-receipt")

    db.session.expire_all()
    ballot = db.session.scalar(select(Ballot).where(Ballot.budget_id == budget_id))
    assert ballot.is_checked_out and ballot.total_cost == 4_500_000
    assert services.check_receipt(db.session.get(Budget, budget_id), code.inner_text()) is not None
