"""Yen and dates are written one way per locale, by Babel, with four-digit years."""

import re
from datetime import date, datetime

import pytest
from flask_babel import force_locale

from civic.i18n import format_day, format_moment, yen
from tests.conftest import login

WHEN = datetime(2026, 12, 2, 14, 26)  # UTC, as stored: 23:26 in the ward (Asia/Tokyo)


@pytest.mark.parametrize(("locale", "day", "moment"), [
    ("ja", "2026/12/02", "2026/12/02 23:26"),
    ("en", "Dec 2, 2026", "Dec 2, 2026, 11:26\u202fPM"),
    ("zh_Hans", "2026年12月2日", "2026年12月2日 23:26"),
    ("ko", "2026. 12. 2.", "2026. 12. 2. 오후 11:26"),
    ("vi", "2 thg 12, 2026", "23:26 2 thg 12, 2026"),
])
def test_one_date_and_one_date_time_format_per_locale(app, locale, day, moment):
    with app.test_request_context(), force_locale(locale):
        assert format_day(date(2026, 12, 2)) == day
        assert format_moment(WHEN) == moment


def test_yen_per_locale(app):
    with app.test_request_context():
        with force_locale("ja"):
            assert yen(800000) == "800,000円"
        with force_locale("en"):
            assert yen(800000) == "¥800,000"


def test_english_pages_write_yen_and_dates_one_way(client, make_user, make_area, make_process,
                                                   make_proposal):
    area = make_area()
    author = make_user(area=area)
    proposal = make_proposal(make_process(), author, estimated_cost=800000)
    login(client, make_user(locale="en"))
    page = client.get(f"/proposals/{proposal.id}").text
    assert "¥800,000" in page and " yen" not in page
    history = re.search(r'<details class="history">.*?</details>', page, re.S).group(0)
    assert re.search(r"[A-Z][a-z]{2} \d{1,2}, 20\d\d, \d{1,2}:\d\d", history), history
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2}\b", page)  # no 12/2/26
    guest = type(client)(client.application)
    assert "800,000円" in guest.get(f"/proposals/{proposal.id}?lang=ja").text
