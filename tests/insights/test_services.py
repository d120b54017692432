
import pytest
from sqlalchemy import func, select

from civic.extensions import db
from civic.insights import csvio, services
from civic.insights.models import (
    IMPORT_DONE,
    IMPORT_FAILED,
    Analysis,
    AnalysisComment,
    AnalysisImport,
    AnalysisTheme,
    AnalysisTokens,
    ThemeEdit,
)
from civic.jobs import services as jobs
from civic.jobs.models import DONE, QUEUED, Job
from tests.conftest import wait_for_job
from tests.insights.corpus import make_csv, make_texts
from tests.servers import redis_server


@pytest.fixture
def staff(make_user):
    return make_user(roles=("staff",))


def _analysis(staff, texts=None, encoding="utf-8") -> Analysis:
    analysis = services.create_analysis("テスト", None, staff)
    texts = make_texts()[0] if texts is None else texts
    imp, _table = services.start_import(analysis, "answers.csv", make_csv(texts, encoding))
    services.begin_import(imp, "意見", staff)
    return analysis


def _rows(analysis) -> list[AnalysisComment]:
    db.session.expire_all()
    return db.session.scalars(select(AnalysisComment).where(
        AnalysisComment.analysis_id == analysis.id).order_by(AnalysisComment.position)).all()


def _broad(analysis) -> list[AnalysisTheme]:
    db.session.expire_all()
    return services.broad_themes(analysis)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_every_row_is_kept_in_order_whatever_the_encoding(ctx, staff, encoding):
    texts, _gold = make_texts(60)
    analysis = _analysis(staff, texts, encoding)
    imp = db.session.scalar(select(AnalysisImport))
    assert imp.encoding == encoding and imp.status == IMPORT_DONE and imp.data is None
    assert [r.text for r in _rows(analysis)] == texts
    assert {r.source for r in _rows(analysis)} == {"csv"}


def test_a_broken_file_is_refused_with_its_line_and_nothing_is_stored(ctx, staff):
    analysis = services.create_analysis("テスト", None, staff)
    broken = "番号,意見\n1,公園\n2,\"閉じていない引用符\n".encode()
    with pytest.raises(csvio.CsvImportError) as error:
        services.start_import(analysis, "broken.csv", broken)
    assert error.value.line == 3
    bad_bytes = "番号,意見\n1,公園\n".encode() + b"2,\xff\xfe\x80\n"
    with pytest.raises(csvio.CsvImportError) as error:
        services.start_import(analysis, "bytes.csv", bad_bytes)
    assert error.value.line == 3
    assert db.session.scalar(select(func.count(AnalysisImport.id))) == 0
    assert db.session.scalar(select(func.count(AnalysisComment.id))) == 0


def test_an_import_that_fails_half_way_leaves_nothing_behind(ctx, staff, monkeypatch):
    analysis = services.create_analysis("テスト", None, staff)
    imp, _table = services.start_import(analysis, "a.csv", make_csv(make_texts(50)[0]))
    imp.text_column = "意見"
    db.session.commit()
    monkeypatch.setattr(services, "IMPORT_BATCH", 10)
    calls = []

    def progress(fraction, message=""):
        calls.append(fraction)
        db.session.commit()
        if len(calls) == 2:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        services.import_rows(imp.id, progress)
    assert db.session.scalar(select(func.count(AnalysisComment.id))) == 0
    assert db.session.get(AnalysisImport, imp.id).status == IMPORT_FAILED


def test_an_analysis_stores_themes_assignments_set_aside_rows_duplicates_and_the_map(ctx, staff):
    texts, _gold = make_texts()
    analysis = _analysis(staff, texts)
    services.analyse(analysis.id)
    rows = _rows(analysis)
    assert len(rows) == len(texts)  # every row kept, also the ones set aside
    aside = [r for r in rows if r.set_aside]
    assert {r.text for r in aside} == {"特になし", "", "なし", "！！！", "https://example.com/"}
    assert all(r.theme_id is None and r.x is None for r in aside)
    assert {r.set_aside for r in aside} <= {"empty", "no_content"}
    assert all(r.theme_id and r.subtheme_id and r.x is not None for r in rows if not r.set_aside)
    campaign = [r for r in rows if r.text == "バスの本数を増やしてください。通勤に困っています。"]
    assert len(campaign) >= 3 and all(r.duplicates >= len(campaign) for r in campaign)
    themes = _broad(analysis)
    assert 2 <= len(themes) <= 15
    for t in themes:
        assert t.label and t.keywords and 1 <= len(t.representatives) <= 5 and t.subthemes
        assert t.size == sum(r.duplicates == r.duplicates for r in rows if r.theme_id == t.id)
    assert db.session.get(Analysis, analysis.id).stats["rows"] == len(texts)


def test_reruns_reuse_the_token_cache(ctx, staff, monkeypatch):
    analysis = _analysis(staff)
    services.analyse(analysis.id)
    assert db.session.get(AnalysisTokens, analysis.id).entries > 0

    def no_janome(*args, **kwargs):
        raise AssertionError("tokenised again")

    monkeypatch.setattr("civic.insights.tokens.content_tokens", no_janome)
    services.analyse(analysis.id)
    assert _broad(analysis)


def test_the_stop_list_keeps_words_out_of_themes(ctx, staff):
    analysis = _analysis(staff)
    services.analyse(analysis.id)
    word = _broad(analysis)[0].keywords[0]
    analysis = db.session.get(Analysis, analysis.id)
    analysis.stopwords = f"{word}\n"
    db.session.commit()
    services.analyse(analysis.id)
    assert all(word not in t.keywords for t in db.session.scalars(select(AnalysisTheme)))


def _members(theme):
    return set(db.session.scalars(select(AnalysisComment.id)
                                  .where(AnalysisComment.theme_id == theme.id)))


def test_a_renamed_theme_keeps_its_name_when_the_analysis_runs_again(ctx, staff):
    analysis = _analysis(staff)
    services.analyse(analysis.id)
    theme = _broad(analysis)[1]
    before = _members(theme)
    services.rename(theme, "公園をもっと快適に", staff)
    sub = _broad(analysis)[0].subthemes[0]
    services.rename(sub, "バスの本数の話", staff)
    # New answers arrive and the analysis runs again.
    more = make_texts(40, seed=9)[0]
    imp, _t = services.start_import(analysis, "more.csv", make_csv(more))
    services.begin_import(imp, "意見", staff)
    services.analyse(analysis.id)
    renamed = [t for t in _broad(analysis) if t.label == "公園をもっと快適に"]
    assert len(renamed) == 1 and len(_members(renamed[0]) & before) >= 0.8 * len(before)
    assert db.session.scalar(select(func.count(AnalysisTheme.id))
                             .where(AnalysisTheme.label == "バスの本数の話")) == 1


def test_merged_themes_stay_merged_after_a_rerun(ctx, staff):
    analysis = _analysis(staff)
    services.analyse(analysis.id)
    themes = _broad(analysis)
    count, a, b = len(themes), themes[0], themes[1]
    union = _members(a) | _members(b)
    services.merge([a, b], "まとめたテーマ", staff)
    themes = _broad(analysis)
    merged = [t for t in themes if t.label == "まとめたテーマ"]
    assert len(themes) == count - 1 and len(merged) == 1 and _members(merged[0]) == union
    assert merged[0].size == sum(1 for _ in union)
    services.analyse(analysis.id)
    themes = _broad(analysis)
    merged = [t for t in themes if t.label == "まとめたテーマ"]
    assert len(themes) == count - 1 and len(merged) == 1 and _members(merged[0]) == union
    assert db.session.scalar(select(func.count(ThemeEdit.id))) == 1


def test_split_off_sub_themes_become_a_theme_that_survives_a_rerun(ctx, staff):
    analysis = _analysis(staff)
    services.analyse(analysis.id)
    themes = _broad(analysis)
    parent = next(t for t in themes if len(t.subthemes) >= 2)
    moved = parent.subthemes[0]
    moved_rows = set(db.session.scalars(select(AnalysisComment.id)
                                        .where(AnalysisComment.subtheme_id == moved.id)))
    services.split([moved], "切り出したテーマ", staff)
    new = next(t for t in _broad(analysis) if t.label == "切り出したテーマ")
    assert _members(new) == moved_rows and len(_broad(analysis)) == len(themes) + 1
    assert not (_members(db.session.get(AnalysisTheme, parent.id)) & moved_rows)
    services.analyse(analysis.id)
    again = [t for t in _broad(analysis) if t.label == "切り出したテーマ"]
    assert len(again) == 1 and _members(again[0]) == moved_rows


def test_export_has_a_bom_every_row_and_no_live_formulas(ctx, staff):
    texts = make_texts(60)[0] + ["=HYPERLINK(\"http://evil\")", "+1+2", "-3", "@SUM(A1)"]
    analysis = _analysis(staff, texts)
    services.analyse(analysis.id)
    header = ["No.", "Source", "Ref", "Theme", "Sub", "Aside", "Copies", "Text"]
    body = "".join(services.export_rows(analysis, header, lambda r: r))
    assert body.startswith("\ufeff")
    table = csvio.read_csv(body.encode("utf-8"))
    assert len(table.rows) == len(texts)
    last = [r["Text"] for r in table.rows[-4:]]
    assert last == ["'=HYPERLINK(\"http://evil\")", "'+1+2", "'-3", "'@SUM(A1)"]
    assert services.safe_cell("普通の意見") == "普通の意見"


def test_process_sources_add_proposals_comments_and_cafe_notes_once(ctx, staff, make_process,
                                                                    monkeypatch):
    from civic.comments.models import Comment
    from civic.proposals.models import Proposal

    process = make_process()
    shown = Proposal(process_id=process.id, title="公園に花を", body="花壇を作りたい", state="published")
    draft = Proposal(process_id=process.id, title="下書き", body="まだ", state="draft")
    db.session.add_all([shown, draft])
    db.session.flush()
    db.session.add_all([Comment(target_type="proposal", target_id=shown.id, body="賛成です"),
                        Comment(target_type="proposal", target_id=draft.id, body="見えない")])
    db.session.commit()
    monkeypatch.setattr("civic.cafe.services.notes_for_themes", lambda cafe: [(7, "付箋のメモ")])
    from civic.cafe.models import Cafe

    db.session.add(Cafe(process_id=process.id, title="カフェ", join_code="abc123"))
    db.session.commit()
    analysis = services.create_analysis("プロセス", process, staff)
    assert services.add_process_sources(analysis, staff) == 3
    assert services.add_process_sources(analysis, staff) == 0
    rows = _rows(analysis)
    assert [(r.source, r.text) for r in rows] == [
        ("proposal", "公園に花を\n花壇を作りたい"), ("comment", "賛成です"), ("cafe", "付箋のメモ")]


def test_the_analysis_runs_in_an_embedded_job_with_progress(app, ctx, staff):
    analysis = _analysis(staff)
    job = services.start_analysis(analysis, staff)
    done = wait_for_job(job.id)
    assert done.status == DONE and done.progress == 1.0 and done.result["rows"] == 150
    assert _broad(analysis)


def test_with_redis_the_analysis_runs_on_an_rq_worker(app, ctx, staff, monkeypatch):
    try:
        server = redis_server()
        url = server.__enter__()
    except RuntimeError as error:
        pytest.skip(str(error))
    try:
        from redis import Redis
        from rq import Queue, SimpleWorker

        analysis = _analysis(staff)
        monkeypatch.setitem(app.config, "REDIS_URL", url)
        monkeypatch.setattr("civic.jobs.worker._app", lambda: app)
        job = services.start_analysis(analysis, staff)
        db.session.expire_all()
        assert db.session.get(Job, job.id).status == QUEUED
        connection = Redis.from_url(url)
        assert Queue(jobs.QUEUE_NAME, connection=connection).count == 1
        SimpleWorker([jobs.QUEUE_NAME], connection=connection).work(burst=True)
        db.session.expire_all()
        done = db.session.get(Job, job.id)
        assert done.status == DONE and done.result["analysis_id"] == analysis.id
        assert _broad(analysis)
    finally:
        server.__exit__(None, None, None)


def test_a_cafe_harvest_becomes_a_running_analysis_of_its_notes(app, client, ctx, staff,
                                                                make_process, make_user,
                                                                monkeypatch):
    from civic.cafe.models import Cafe
    from tests.conftest import login

    process = make_process()
    cafe = Cafe(process_id=process.id, title="川沿いの10年後", join_code="xyz789")
    db.session.add(cafe)
    db.session.commit()
    notes = [(1, "堤防に桜並木を"), (2, "空き家を集いの場に")]
    monkeypatch.setattr("civic.cafe.services.notes_for_themes", lambda cafe: notes)

    login(client, make_user())
    assert client.post(f"/staff/themes/from-cafe/{cafe.id}").status_code == 403
    client.post("/logout")
    login(client, staff)
    response = client.post(f"/staff/themes/from-cafe/{cafe.id}")
    assert response.status_code == 302
    analysis_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    analysis = db.session.get(Analysis, analysis_id)
    assert "川沿いの10年後" in analysis.title and analysis.process_id == process.id
    assert [(r.source, r.source_ref, r.text) for r in _rows(analysis)] == [
        ("cafe", "cafe-note:1", "堤防に桜並木を"), ("cafe", "cafe-note:2", "空き家を集いの場に")]
    assert services.current_job(analysis) is not None
    assert client.post("/staff/themes/from-cafe/999999").status_code == 404
