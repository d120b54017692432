"""The residency-code letter: a real letter per code, and clear messages for impossible counts."""

import re
from datetime import UTC
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from civic.accounts.models import ResidencyCode
from civic.extensions import db
from tests.conftest import login


def test_each_letter_names_the_site_its_purpose_its_use_and_its_expiry(client, make_user,
                                                                       make_area):
    area = make_area(name="川端地区")
    staff = make_user(roles=("staff",), locale="en")
    login(client, staff)
    response = client.post("/staff/codes", data={"area": area.id, "count": 2, "kind": "letter",
                                                 "days": 30})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    letters = html.split('<article class="letter"')[1:]
    assert len(letters) == 2
    # The last day in the ward's calendar (stored in UTC).
    expires = db.session.scalar(select(func.min(ResidencyCode.expires_at))).replace(
        tzinfo=UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    for letter in letters:
        assert "http://localhost/" in letter  # the site's address
        assert "http://localhost/verify" in letter  # where the code is entered
        assert "confirms that you live in 川端地区" in letter
        assert "How to use it" in letter
        assert "<svg" in letter
        assert f"until {expires:%B} {expires.day}, {expires.year}" in letter
    codes = re.findall(r'<p class="code" translate="no">([^<]+)</p>', html)
    assert len(set(codes)) == 2


def test_a_count_of_zero_asks_for_a_number_in_range_and_issues_nothing(client, make_user,
                                                                       make_area):
    area = make_area()
    login(client, make_user(roles=("staff",), locale="en"))
    for count in ("0", "1001", ""):
        response = client.post("/staff/codes", data={"area": area.id, "count": count,
                                                     "kind": "letter", "days": 30})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Enter a number of codes from 1 to 1000." in html
        assert "This field is required" not in html
    response = client.post("/staff/codes", data={"area": area.id, "count": 5, "kind": "letter",
                                                 "days": 0})
    assert "Enter a number of days from 1 to 730." in response.get_data(as_text=True)
    assert 'value="5"' in response.get_data(as_text=True)  # what was typed stays
    assert db.session.scalar(select(func.count()).select_from(ResidencyCode)) == 0
