from datetime import timedelta

import pytest

from civic.consultations import services
from civic.consultations.models import Consultation
from civic.extensions import db
from civic.timeutil import ward_today

DRAFT = """本計画は、区の公園を誰もが使いやすくするための計画です。

## 第1章 総則
### 第1条（目的）
この計画は、公園の整備の方針を定める。

### 第2条（対象）
区内のすべての公園を対象とする。

## 第2章 整備
第3条 ベンチを増やす。
日陰をつくる。
"""


@pytest.fixture
def make_consultation(make_process, make_user):
    counter = iter(range(1, 1000))

    def make(process=None, *, starts=-5, ends=20, who="anyone", published=True, staff=None,
             **asks):
        process = process or make_process(features=("consultations_open",), starts=-30, ends=60)
        staff = staff or make_user(roles=("staff",), email=f"pc-staff{next(counter)}@example.jp")
        today = ward_today()
        data = {"title": "公園整備計画（素案）", "summary": "素案への意見を募集します。",
                "draft": DRAFT, "starts_on": today + timedelta(days=starts),
                "ends_on": today + timedelta(days=ends), "who": who, "published": published,
                "language": "ja", "ask_name": "optional", "ask_address": "optional",
                "ask_age_band": "off", "ask_organisation": "off"}
        data.update({f"ask_{k}": v for k, v in asks.items()})
        consultation = services.save(Consultation(process_id=process.id, process=process), data,
                                     staff)
        return consultation

    return make


def end_period(consultation):
    """Move the deadline into the past (review opens the day after it)."""
    consultation.starts_on = ward_today() - timedelta(days=40)
    consultation.ends_on = ward_today() - timedelta(days=1)
    db.session.commit()
