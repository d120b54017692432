import csv
import io

import pytest
from sqlalchemy import func, select

from civic.extensions import db
from civic.insights import services
from civic.insights.models import Analysis, AnalysisComment, AnalysisImport, AnalysisTheme
from tests.conftest import login, wait_for_job
from tests.insights.corpus import make_csv, make_texts


def _analysed(staff):
    analysis = services.create_analysis("調査", None, staff)
    imp, _t = services.start_import(analysis, "a.csv", make_csv(make_texts()[0]))
    services.begin_import(imp, "意見", staff)
    services.analyse(analysis.id)
    return db.session.get(Analysis, analysis.id)


def test_only_staff_and_admins_see_themes(client, ctx, make_user, make_area):
    staff = make_user(roles=("staff",))
    analysis = _analysed(staff)
    theme = services.broad_themes(analysis)[0]
    base = f"/staff/themes/{analysis.id}"
    pages = ["/staff/themes", base, f"{base}/import", f"{base}/themes/{theme.id}",
             f"{base}/map.svg", f"{base}/export.csv", f"{base}/report"]
    posts = [f"{base}/run", f"{base}/sources", f"{base}/themes/{theme.id}/rename"]
    for url in pages:
        assert client.get(url).status_code in (302, 401), url
    login(client, make_user(area=make_area()))
    for url in pages:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, data={"label": "x"}).status_code == 403, url
    assert db.session.get(AnalysisTheme, theme.id).label != "x"
    client.post("/logout")
    for who in (staff, make_user(roles=("admin",))):
        login(client, who)
        for url in pages:
            assert client.get(url).status_code == 200, url
        client.post("/logout")


def test_staff_home_and_process_edit_page_link_to_themes(staff_client, make_process):
    process = make_process()
    assert b"/staff/themes" in staff_client.get("/staff").data
    page = staff_client.get(f"/staff/processes/{process.slug}/edit").get_data(as_text=True)
    assert f"/staff/themes?process={process.slug}" in page
    form = staff_client.get(f"/staff/themes?process={process.slug}").get_data(as_text=True)
    assert process.title in form


def test_create_an_analysis_for_a_process_takes_its_texts(staff_client, make_process):
    from civic.proposals.models import Proposal

    process = make_process()
    db.session.add(Proposal(process_id=process.id, title="花壇", body="花を植えたい", state="published"))
    db.session.commit()
    response = staff_client.post("/staff/themes", data={"title": "花の意見", "process_id": process.id})
    assert response.status_code == 302
    analysis = db.session.scalar(select(Analysis))
    assert analysis.process_id == process.id
    assert db.session.scalar(select(func.count(AnalysisComment.id))) == 1
    bad = staff_client.post("/staff/themes", data={"title": "", "process_id": 0})
    assert bad.status_code == 422


def test_upload_preview_pick_a_column_import(staff_client):
    analysis = services.create_analysis("調査", None, staff_client.staff)
    texts = make_texts(30)[0]
    data = make_csv(texts, "cp932", column="ご意見")
    response = staff_client.post(f"/staff/themes/{analysis.id}/import",
                                 data={"file": (io.BytesIO(data), "回答.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 302
    preview = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Shift_JIS" in preview and texts[0] in preview and "ご意見" in preview
    response = staff_client.post(response.headers["Location"], data={"column": "ご意見"})
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(AnalysisComment).order_by(AnalysisComment.position)).all()
    assert [r.text for r in rows] == texts
    page = staff_client.get(f"/staff/themes/{analysis.id}").get_data(as_text=True)
    assert "回答.csv" in page


def test_a_broken_upload_says_which_line_and_keeps_nothing(staff_client):
    analysis = services.create_analysis("調査", None, staff_client.staff)
    broken = "番号,意見\n1,公園\n2,公園,余分,列\n".encode()
    response = staff_client.post(f"/staff/themes/{analysis.id}/import",
                                 data={"file": (io.BytesIO(broken), "x.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "3" in page and 'aria-invalid="true"' in page
    assert db.session.scalar(select(func.count(AnalysisImport.id))) == 0
    empty = staff_client.post(f"/staff/themes/{analysis.id}/import", data={},
                              content_type="multipart/form-data")
    assert empty.status_code == 422


def test_a_large_import_runs_as_a_job_with_a_progress_bar(staff_client, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_INLINE_ROWS", 10)
    monkeypatch.setattr(services, "IMPORT_BATCH", 7)
    analysis = services.create_analysis("調査", None, staff_client.staff)
    imp, _t = services.start_import(analysis, "big.csv", make_csv(make_texts(40)[0]))
    response = staff_client.post(f"/staff/themes/{analysis.id}/imports/{imp.id}",
                                 data={"column": "意見"})
    assert response.status_code == 302
    db.session.expire_all()
    job_id = db.session.get(AnalysisImport, imp.id).job_id
    assert job_id and wait_for_job(job_id).status == "done"
    assert db.session.scalar(select(func.count(AnalysisComment.id))) == 40
    assert "big.csv" in staff_client.get(f"/staff/themes/{analysis.id}").get_data(as_text=True)


def test_run_read_rename_merge_split_map_report_export(staff_client):
    analysis = services.create_analysis("調査", None, staff_client.staff)
    imp, _t = services.start_import(analysis, "a.csv", make_csv(make_texts()[0]))
    services.begin_import(imp, "意見", staff_client.staff)
    assert staff_client.post(f"/staff/themes/{analysis.id}/run").status_code == 302
    page = staff_client.get(f"/staff/themes/{analysis.id}").get_data(as_text=True)
    assert "<progress" in page or "<meter" in page
    job = services.current_job(analysis)
    assert wait_for_job(job.id).status == "done"
    page = staff_client.get(f"/staff/themes/{analysis.id}").get_data(as_text=True)
    themes = services.broad_themes(analysis)
    assert all(t.label in page for t in themes) and "<meter" in page and "<q>" in page
    base = f"/staff/themes/{analysis.id}"
    first = themes[0]
    theme_page = staff_client.get(f"{base}/themes/{first.id}").get_data(as_text=True)
    assert first.subthemes[0].label in theme_page
    found = staff_client.get(f"{base}/themes/{first.id}?q=最終便").get_data(as_text=True)
    assert "最終便" in found
    assert staff_client.post(f"{base}/themes/{first.id}/rename",
                             data={"label": ""}).status_code == 422
    assert staff_client.post(f"{base}/themes/{first.id}/rename",
                             data={"label": "バスの便"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(AnalysisTheme, first.id).label == "バスの便"
    other, other_id = themes[1], themes[1].id
    assert staff_client.post(f"{base}/themes/{first.id}/merge",
                             data={"other": 999999, "label": "x"}).status_code == 422
    assert staff_client.post(f"{base}/themes/{first.id}/merge",
                             data={"other": other.id, "label": "まとめ"}).status_code == 302
    db.session.expire_all()
    assert not db.session.scalar(select(func.count(AnalysisTheme.id))
                                 .where(AnalysisTheme.id == other_id))
    merged = db.session.get(AnalysisTheme, first.id)
    assert staff_client.post(f"{base}/themes/{first.id}/split",
                             data={"label": "分けた"}).status_code == 422
    sub = merged.subthemes[-1]
    assert staff_client.post(f"{base}/themes/{first.id}/split",
                             data={"subthemes": [sub.id], "label": "分けた"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(AnalysisTheme).where(AnalysisTheme.label == "分けた"))
    svg = staff_client.get(f"{base}/map.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.count(b"<circle") > 100
    assert "分けた" in svg.get_data(as_text=True)
    report = staff_client.get(f"{base}/report").get_data(as_text=True)
    assert "まとめ" in report and "分けた" in report
    export = staff_client.get(f"{base}/export.csv")
    assert export.mimetype == "text/csv" and export.data.startswith("\ufeff".encode())
    assert export.get_data(as_text=True).count("\n") == 151


def test_the_stop_list_is_edited_per_analysis(staff_client):
    analysis = services.create_analysis("調査", None, staff_client.staff)
    response = staff_client.post(f"/staff/themes/{analysis.id}/stopwords",
                                 data={"stopwords": "公園\n\n バス \n公園"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Analysis, analysis.id).stopword_list == ["公園", "バス"]
    assert "公園" in staff_client.get(f"/staff/themes/{analysis.id}").get_data(as_text=True)


@pytest.fixture
def english_staff(client, make_user):
    """Staff who read the interface in English, so the tests can quote its sentences."""
    client.staff = make_user(roles=("staff",), locale="en")
    login(client, client.staff)
    return client


def _with_attributes(staff, texts):
    """An analysed import whose rows carry 地区 and 年代 (and an id column too varied to compare)."""
    areas, ages = ("本町", "川端", "港南"), ("20代", "40代", "70代")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["回答ID", "地区", "年代", "意見"])
    for i, text in enumerate(texts):
        writer.writerow([f"R{i:04d}", areas[i % 3], ages[(i // 3) % 3] if i % 10 else "", text])
    analysis = services.create_analysis("区民アンケート", None, staff)
    imp, _t = services.start_import(analysis, "survey.csv", out.getvalue().encode("utf-8"))
    services.begin_import(imp, "意見", staff)
    services.analyse(analysis.id)
    return db.session.get(Analysis, analysis.id)


def test_imported_columns_are_kept_as_attributes_and_exported(english_staff):
    texts = make_texts(60)[0]
    analysis = _with_attributes(english_staff.staff, texts)
    rows = db.session.scalars(select(AnalysisComment).order_by(AnalysisComment.position)).all()
    assert rows[1].attributes == {"回答ID": "R0001", "地区": "川端", "年代": "20代"}
    assert rows[10].attributes == {"回答ID": "R0010", "地区": "川端"}  # blank cells left out
    assert services.attribute_columns(analysis) == ["回答ID", "地区", "年代"]
    # 回答ID has a value per row: nothing to compare by, so only 地区 and 年代 are offered.
    filters = services.attribute_filters(analysis)
    assert list(filters) == ["地区", "年代"]
    assert dict(filters["地区"]) == {"本町": 20, "川端": 20, "港南": 20}
    export = english_staff.get(f"/staff/themes/{analysis.id}/export.csv").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(export)))
    assert lines[0][-3:] == ["回答ID", "地区", "年代"]
    assert lines[2][-3:] == ["R0001", "川端", "20代"] and lines[11][-3:] == ["R0010", "川端", ""]


def test_theme_counts_filter_by_an_attribute_and_the_crosstab_adds_up(english_staff):
    analysis = _with_attributes(english_staff.staff, make_texts(90)[0])
    rows = db.session.scalars(select(AnalysisComment)).all()
    expected: dict[tuple[int, str], int] = {}
    for row in rows:
        if row.theme_id is not None:
            key = (row.theme_id, row.attributes["地区"])
            expected[key] = expected.get(key, 0) + 1
    assert services.theme_counts(analysis, "地区", "港南") == {
        theme: n for (theme, area), n in expected.items() if area == "港南"}
    table = services.crosstab(analysis, "地区")
    assert {(t, v): n for t, cells in table["cells"].items() for v, n in cells.items()} == expected
    for value in table["values"]:
        assert table["totals"][value] == sum(n for (_t, v), n in expected.items() if v == value)
        assert sum(table["shares"][t.id][value] for t in table["themes"]) == pytest.approx(1.0)

    base = f"/staff/themes/{analysis.id}"
    theme = table["themes"][0]
    filtered = english_staff.get(f"{base}?attr=地区&value=港南").get_data(as_text=True)
    count = expected.get((theme.id, "港南"), 0)
    assert "Only answers whose 地区 is “港南” are counted." in filtered
    assert f'value="{count}"' in filtered  # the theme's meter counts only 港南's answers
    listed = english_staff.get(f"{base}/themes/{theme.id}?attr=地区&value=港南")
    assert f"{count} answers found" in listed.get_data(as_text=True)
    unknown = english_staff.get(f"{base}?attr=地区&value=どこか").get_data(as_text=True)
    assert "Only answers whose" not in unknown  # a value that is not there is ignored

    page = english_staff.get(f"{base}/crosstab?column=年代").get_data(as_text=True)
    assert "Themes × 年代" in page and "70代" in page
    download = english_staff.get(f"{base}/crosstab.csv?column=地区")
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    sheet = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert sheet[0][1:] == [part for v in table["values"] for part in (v, f"{v} %")]
    assert sheet[-1][1::2] == [str(table["totals"][v]) for v in table["values"]]


def test_the_crosstab_explains_when_there_is_nothing_to_compare_by(english_staff):
    analysis = _analysed(english_staff.staff)  # its file has only 番号 and 意見
    page = english_staff.get(f"/staff/themes/{analysis.id}/crosstab").get_data(as_text=True)
    assert "None of the imported files has a column to compare by" in page
    response = english_staff.get(f"/staff/themes/{analysis.id}/crosstab.csv")
    assert response.status_code == 302 and response.location.endswith("/crosstab")
