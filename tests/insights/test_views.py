import io

import pytest
from sqlalchemy import func, select

from civic.extensions import db
from civic.insights import services
from civic.insights.models import Analysis, AnalysisComment, AnalysisImport, AnalysisTheme
from tests.conftest import login, wait_for_job
from tests.insights.corpus import make_csv, make_texts


@pytest.fixture
def staff_client(client, make_user):
    staff = make_user(roles=("staff",))
    login(client, staff)
    client.staff = staff
    return client


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
