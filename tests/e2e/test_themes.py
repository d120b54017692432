"""Staff read thousands of answers as themes on a phone: import a CSV, watch the progress bar,
read a theme, rename it, run the analysis again — the name stays."""

import re
import threading
import time

from playwright.sync_api import expect
from sqlalchemy import select

from civic.extensions import db
from civic.insights import services
from civic.insights.models import Analysis, AnalysisTheme
from tests.conftest import PASSWORD
from tests.insights.corpus import make_csv, make_texts


def test_staff_import_watch_progress_read_rename_rerun(phone, shoot, make_user, monkeypatch):
    staff = make_user(roles=("staff",), email="themes-staff@example.jp")
    # Imports above 20 rows go to a job; the analysis waits for the test to let it go, so the
    # progress bar is seen for sure (no timing involved).
    monkeypatch.setattr(services, "IMPORT_INLINE_ROWS", 20)
    release = threading.Event()
    analyse = services.analyse

    def held_analyse(analysis_id, progress=None):
        if progress:
            progress(0.01, "waiting")
        release.wait(30)
        return analyse(analysis_id, progress)

    monkeypatch.setattr(services, "analyse", held_analyse)

    phone.goto("/login")
    phone.locator("input[name=email]").fill(staff.email)
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form:has(input[name=password]) [type=submit]").click()
    phone.wait_for_load_state()
    phone.goto("/staff")
    phone.locator("a[href='/staff/themes']").first.click()
    phone.locator("input[name=title]").fill("公園とバスと、ごみの意見")
    phone.locator("form:has(input[name=title]) [type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/staff/themes/\d+$"))
    analysis_url = phone.url

    phone.locator("a[href$='/import']").click()
    phone.locator("input[type=file]").set_input_files(files=[{
        "name": "意見.csv", "mimeType": "text/csv",
        "buffer": make_csv(make_texts()[0], "cp932")}])
    phone.locator("form[enctype] [type=submit]").click()
    expect(phone.locator(".encoding")).to_contain_text("CP932")
    expect(phone.locator("select[name=column]")).to_have_value("意見")
    shoot(phone, "1-preview")
    phone.locator("form:has(select[name=column]) [type=submit]").click()
    expect(phone.locator("body")).to_contain_text("150")
    phone.goto(analysis_url)  # the import job has its own bar; it is quick
    db.session.expire_all()

    phone.locator("form[action$='/run'] button").click()
    expect(phone.locator(".job progress")).to_be_visible()
    shoot(phone, "2-progress")
    release.set()
    # jobs.js polls and reloads the page when the run ends.
    expect(phone.locator(".theme-list .theme-card").first).to_be_visible(timeout=60_000)
    expect(phone.locator("img.theme-map")).to_be_visible()
    shoot(phone, "3-themes")

    phone.locator(".theme-list .theme-card h3 a").first.click()
    expect(phone.locator("ol.answer-list li").first).to_be_visible()
    phone.locator("input[name=label]").first.fill("バスをもっと便利に")
    phone.locator("form[action$='/rename'] [type=submit]").click()
    expect(phone.locator("h1")).to_have_text("バスをもっと便利に")
    shoot(phone, "4-renamed")

    phone.goto(analysis_url)
    first_run = db.session.scalar(select(Analysis)).run_at
    phone.locator("form[action$='/run'] button").click()
    phone.wait_for_load_state()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        db.session.expire_all()
        analysis = db.session.scalar(select(Analysis))
        if analysis.run_at != first_run:
            break
        time.sleep(0.1)
    assert analysis.run_at != first_run and analysis.stats["rows"] == 150
    phone.goto(analysis_url)
    expect(phone.locator(".theme-list")).to_contain_text("バスをもっと便利に")
    assert db.session.scalar(select(AnalysisTheme).where(AnalysisTheme.label == "バスをもっと便利に"))
    shoot(phone, "5-rerun")
