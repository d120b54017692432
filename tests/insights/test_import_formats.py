"""Excel's 「Unicode テキスト」 imports like a CSV file, and every refusal is in the reader's
language."""

import io

import pytest
from sqlalchemy import func, select

from civic.extensions import db
from civic.insights import csvio, services
from civic.insights.models import AnalysisComment, AnalysisImport
from civic.insights.views import CSV_REASONS


def _upload(client, analysis, data, name="回答.txt", lang="ja"):
    return client.post(f"/staff/themes/{analysis.id}/import?lang={lang}",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_excel_unicode_text_is_imported(staff_client):
    analysis = services.create_analysis("調査", None, staff_client.staff)
    texts = ["公園に木陰を、ベンチも", "バスを増やして\r\n夜も", "図書館の開館時間"]
    data = ("番号\tご意見\r\n" + "".join(f'{i}\t"{t}"\r\n' for i, t in enumerate(texts))
            ).encode("utf-16")
    response = _upload(staff_client, analysis, data)
    assert response.status_code == 302, response.text[:2000]
    preview = staff_client.get(response.headers["Location"]).text
    assert "Unicode テキスト (UTF-16)" in preview and "ご意見" in preview
    assert staff_client.post(response.headers["Location"],
                             data={"column": "ご意見"}).status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(AnalysisComment).order_by(AnalysisComment.position))
    assert [r.text for r in rows] == texts


@pytest.mark.parametrize(("data", "words"), [
    (b"id,text\n1,o\x00k\n", "テキストファイルではありません"),
    (b"id,text\n\x81\x20\xff\n", "UTF-8 でも Shift_JIS (CP932) でもありません"),
    (b'id,text\n1,"open\n', "引用符で始まる項目が閉じられていません"),
])
def test_refusals_are_translated_and_keep_nothing(staff_client, data, words):
    analysis = services.create_analysis("調査", None, staff_client.staff)
    response = _upload(staff_client, analysis, data)
    assert response.status_code == 422
    assert words in response.text and "2行目" in response.text
    for english in ("NUL", "binary", "cannot decode", "unexpected end"):
        assert english not in response.text
    assert db.session.scalar(select(func.count(AnalysisImport.id))) == 0


def test_every_reason_has_a_page_text():
    assert set(CSV_REASONS) == set(csvio.REASONS)
