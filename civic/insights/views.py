import csv
import io
import json
import time
from pathlib import Path

import click
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

import civic.insights.permissions  # noqa: F401  (declares the rules)
import civic.insights.tasks  # noqa: F401  (registers the jobs)
from civic.accounts.permissions import can, require
from civic.audit.services import record
from civic.extensions import db
from civic.forms import db_int
from civic.insights import csvio, services
from civic.insights.forms import (
    AnalysisForm,
    ColumnForm,
    MergeForm,
    RenameForm,
    SplitForm,
    StopwordsForm,
    UploadForm,
)
from civic.insights.models import (
    IMPORT_PENDING,
    IMPORT_RUNNING,
    Analysis,
    AnalysisImport,
    AnalysisTheme,
)
from civic.jobs.models import Job
from civic.spaces.models import Process
from civic.uploads import body_limit

bp = Blueprint("themes", __name__, cli_group="themes")

PER_PAGE = 50


@bp.before_request
def staff_only():
    require("themes.manage")


def _analysis_or_404(analysis_id: int) -> Analysis:
    analysis = db.session.get(Analysis, analysis_id)
    if analysis is None:
        abort(404)
    require("themes.manage", analysis)
    return analysis


def _theme_or_404(analysis: Analysis, theme_id: int) -> AnalysisTheme:
    theme = db.session.get(AnalysisTheme, theme_id)
    if theme is None or theme.analysis_id != analysis.id:
        abort(404)
    return theme


def reason_label(reason: str) -> str:
    if reason == "empty":
        return _("Empty")
    if reason == "no_content":
        return _("No content (「特になし」, only symbols or a link)")
    if reason.startswith("language:"):
        return _("Another language (%(code)s)", code=reason.split(":", 1)[1])
    return reason


bp.app_template_global("theme_reason")(reason_label)


# Analyses -----------------------------------------------------------------------------------------

@bp.route("/staff/themes", methods=["GET", "POST"])
def index():
    form = AnalysisForm()
    processes = [p for p in db.session.scalars(select(Process).order_by(Process.created_at.desc()))
                 if can("themes.manage", p)]
    form.process_id.choices = [(0, _("None (imported files only)"))] + [(p.id, p.title)
                                                                     for p in processes]
    chosen = next((p for p in processes if p.slug == request.args.get("process")), None)
    if request.method == "GET" and chosen is not None:
        form.process_id.data = chosen.id
        form.title.data = _("Themes: %(process)s", process=chosen.title)
    if form.validate_on_submit():
        process = db.session.get(Process, form.process_id.data) if form.process_id.data else None
        analysis = services.create_analysis(form.title.data.strip(), process, current_user)
        if process is not None:
            services.add_process_sources(analysis, current_user)
        return redirect(url_for("themes.show", analysis_id=analysis.id))
    # Each one's process in the same query: whether it is theirs asks for it.
    query = (select(Analysis).options(joinedload(Analysis.process))
             .order_by(Analysis.created_at.desc()))
    if chosen is not None:
        query = query.where(Analysis.process_id == chosen.id)
    analyses = [a for a in db.session.scalars(query) if can("themes.manage", a)]
    return render_template("insights/index.html", form=form, analyses=analyses,
                           process=chosen), 422 if form.errors else 200


def _attribute_filter(analysis: Analysis) -> tuple[dict, tuple[str, str] | None]:
    """The attributes staff can filter by, and the one chosen in ``?attr=COLUMN&value=VALUE``
    (ignored unless it is one of them)."""
    filters = services.attribute_filters(analysis)
    column, value = request.args.get("attr", ""), request.args.get("value", "")
    if column in filters and value in {v for v, _n in filters[column]}:
        return filters, (column, value)
    return filters, None


def _show(analysis: Analysis, stop_form=None, status=200):
    if stop_form is None:
        stop_form = StopwordsForm(stopwords=analysis.stopwords)
    themes = services.broad_themes(analysis)
    filters, chosen = _attribute_filter(analysis) if themes else ({}, None)
    sizes = (services.theme_counts(analysis, *chosen) if chosen
             else {t.id: t.size for t in themes})
    imports = db.session.scalars(select(AnalysisImport)
                                 .where(AnalysisImport.analysis_id == analysis.id)
                                 .order_by(AnalysisImport.id)).all()
    import_jobs = [db.session.get(Job, i.job_id) for i in imports
                   if i.status == IMPORT_RUNNING and i.job_id]
    return render_template(
        "insights/show.html", analysis=analysis, themes=themes, quotes=services.quotes(themes),
        sizes=sizes, total=max(1, sum(sizes.values())), filters=filters, chosen=chosen,
        counts=services.source_counts(analysis),
        rows=services.comment_count(analysis), set_aside=services.set_aside_counts(analysis),
        imports=imports, import_jobs=[j for j in import_jobs if j is not None],
        job=services.current_job(analysis), stop_form=stop_form,
        colours=services.theme_colours(themes)), status


@bp.get("/staff/themes/<int:analysis_id>")
def show(analysis_id: int):
    return _show(_analysis_or_404(analysis_id))


@bp.post("/staff/themes/<int:analysis_id>/sources")
def add_sources(analysis_id: int):
    analysis = _analysis_or_404(analysis_id)
    added = services.add_process_sources(analysis, current_user)
    flash(_("%(count)d new texts from the process were added.", count=added), "success")
    return redirect(url_for("themes.show", analysis_id=analysis.id))


@bp.post("/staff/themes/from-cafe/<int:cafe_id>")
def from_cafe(cafe_id: int):
    """The harvest page's one click: all of a café's notes become a running analysis."""
    from civic.cafe.models import Cafe

    cafe = db.session.get(Cafe, cafe_id)
    if cafe is None:
        abort(404)
    require("themes.manage", cafe)
    analysis = services.analyse_cafe(cafe, _("Notes of the world café “%(title)s”", title=cafe.title),
                                     current_user)
    flash(_("The café's notes were handed to the themes analysis."), "success")
    return redirect(url_for("themes.show", analysis_id=analysis.id))


@bp.post("/staff/themes/<int:analysis_id>/stopwords")
def stopwords(analysis_id: int):
    analysis = _analysis_or_404(analysis_id)
    form = StopwordsForm()
    if not form.validate_on_submit():
        return _show(analysis, form, 422)
    words = [w.strip() for w in (form.stopwords.data or "").splitlines() if w.strip()]
    analysis.stopwords = "\n".join(dict.fromkeys(words))
    record(current_user, "themes.stopwords", analysis, words=len(words))
    db.session.commit()
    flash(_("The stop list was saved. Run the analysis again to use it."), "success")
    return redirect(url_for("themes.show", analysis_id=analysis.id))


@bp.post("/staff/themes/<int:analysis_id>/run")
def run(analysis_id: int):
    analysis = _analysis_or_404(analysis_id)
    job = services.current_job(analysis)
    if job is None or job.finished:
        if not services.comment_count(analysis):
            flash(_("Add texts first: from the process or a CSV file."), "error")
        else:
            services.start_analysis(analysis, current_user)
    return redirect(url_for("themes.show", analysis_id=analysis.id))


# Importing CSV files ------------------------------------------------------------------------------

@bp.route("/staff/themes/<int:analysis_id>/import", methods=["GET", "POST"])
@body_limit("CIVIC_THEMES_MAX_UPLOAD")
def upload(analysis_id: int):
    analysis = _analysis_or_404(analysis_id)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            imp, _table = services.start_import(analysis, Path(upload.filename or "").name,
                                                upload.read())
        except csvio.CsvImportError as error:
            form.file.errors.append(_csv_error(error))
        else:
            return redirect(url_for("themes.preview", analysis_id=analysis.id, import_id=imp.id))
    return render_template("insights/upload.html", analysis=analysis, form=form), (
        422 if form.errors else 200)


# What each csvio problem means to the person who uploaded the file (csvio.REASONS).
CSV_REASONS = {
    "invalid_utf8": _l("it starts as UTF-8 but holds bytes that are not UTF-8."),
    "invalid_utf16": _l("it starts as Unicode text (UTF-16) but holds invalid characters."),
    "undecodable": _l("the characters are neither UTF-8 nor Shift_JIS (CP932). Please save it "
                      "from Excel as “CSV UTF-8” or “Unicode text”."),
    "binary": _l("it is not a text file. Please save it from Excel as “CSV UTF-8” or "
                 "“Unicode text”."),
    "empty": _l("the file is empty."),
    "empty_header": _l("the first row, which names the columns, is empty."),
    "no_rows": _l("there are column names but no rows."),
    "open_quote": _l("a field that starts with a quotation mark is never closed."),
    "bad_quote": _l("a quotation mark inside a field is not doubled (write \"\" for \")."),
    "field_too_long": _l("a field is longer than a million characters."),  # csvio.MAX_FIELD
    "too_many_fields": _l("this row has more fields than the first row has column names."),
    "no_column": _l("the chosen column is not in the file."),
}


def _csv_error(error: csvio.CsvImportError) -> str:
    reason = CSV_REASONS[error.reason]
    if error.line:
        return _("This file cannot be read (line %(line)d): %(reason)s", line=error.line,
                 reason=reason)
    return _("This file cannot be read: %(reason)s", reason=reason)


@bp.route("/staff/themes/<int:analysis_id>/imports/<int:import_id>", methods=["GET", "POST"])
def preview(analysis_id: int, import_id: int):
    analysis = _analysis_or_404(analysis_id)
    imp = db.session.get(AnalysisImport, import_id)
    if imp is None or imp.analysis_id != analysis.id:
        abort(404)
    if imp.status != IMPORT_PENDING:
        return redirect(url_for("themes.show", analysis_id=analysis.id))
    table = services.preview(imp)
    form = ColumnForm()
    form.column.choices = [(c, c) for c in table.columns]
    if request.method == "GET":
        form.column.data = csvio.guess_text_column(table)
    if form.validate_on_submit():
        try:
            job = services.begin_import(imp, form.column.data, current_user)
        except ValueError:
            return redirect(url_for("themes.show", analysis_id=analysis.id))
        if job is None:
            flash(_("%(count)d rows were imported.", count=imp.row_count), "success")
        return redirect(url_for("themes.show", analysis_id=analysis.id))
    return render_template("insights/preview.html", analysis=analysis, imp=imp, table=table,
                           form=form), 422 if form.errors else 200


# Themes -------------------------------------------------------------------------------------------

def _theme_page(analysis, theme, rename=None, merge=None, split=None, status=200):
    subthemes = [] if theme.parent_id else theme.subthemes
    others = [t for t in services.broad_themes(analysis) if t.id != theme.id]
    rename = rename or RenameForm(label=theme.label)
    merge = merge or MergeForm()
    merge.other.choices = [(t.id, t.label) for t in others]
    split = split or SplitForm()
    split.subthemes.choices = [(s.id, s.label) for s in subthemes]
    q = request.args.get("q", "").strip()[:200]
    page = max(1, request.args.get("page", 1, type=db_int))
    filters, chosen = _attribute_filter(analysis)
    comments, total = services.theme_comments(theme, q, page, PER_PAGE, chosen)
    parent = db.session.get(AnalysisTheme, theme.parent_id) if theme.parent_id else None
    return render_template(
        "insights/theme.html", analysis=analysis, theme=theme, parent=parent,
        subthemes=subthemes, quotes=services.quotes([theme, *subthemes]), comments=comments,
        total=total, q=q, page=page, pages=max(1, -(-total // PER_PAGE)), rename=rename,
        filters=filters, chosen=chosen,
        merge=merge, split=split, others=others), status


@bp.get("/staff/themes/<int:analysis_id>/themes/<int:theme_id>")
def theme(analysis_id: int, theme_id: int):
    analysis = _analysis_or_404(analysis_id)
    return _theme_page(analysis, _theme_or_404(analysis, theme_id))


@bp.post("/staff/themes/<int:analysis_id>/themes/<int:theme_id>/rename")
def rename(analysis_id: int, theme_id: int):
    analysis = _analysis_or_404(analysis_id)
    theme = _theme_or_404(analysis, theme_id)
    form = RenameForm()
    if not form.validate_on_submit():
        return _theme_page(analysis, theme, rename=form, status=422)
    services.rename(theme, form.label.data.strip(), current_user)
    flash(_("The theme was renamed. The name stays when the analysis runs again."), "success")
    return redirect(url_for("themes.theme", analysis_id=analysis.id, theme_id=theme.id))


@bp.post("/staff/themes/<int:analysis_id>/themes/<int:theme_id>/merge")
def merge(analysis_id: int, theme_id: int):
    analysis = _analysis_or_404(analysis_id)
    theme = _theme_or_404(analysis, theme_id)
    if theme.parent_id:
        abort(404)
    form = MergeForm()
    form.other.choices = [(t.id, t.label) for t in services.broad_themes(analysis)
                          if t.id != theme.id]
    if not form.validate_on_submit():
        return _theme_page(analysis, theme, merge=form, status=422)
    services.merge([theme, _theme_or_404(analysis, form.other.data)], form.label.data.strip(),
                   current_user)
    flash(_("The themes were merged."), "success")
    return redirect(url_for("themes.theme", analysis_id=analysis.id, theme_id=theme.id))


@bp.post("/staff/themes/<int:analysis_id>/themes/<int:theme_id>/split")
def split(analysis_id: int, theme_id: int):
    analysis = _analysis_or_404(analysis_id)
    theme = _theme_or_404(analysis, theme_id)
    if theme.parent_id:
        abort(404)
    form = SplitForm()
    form.subthemes.choices = [(s.id, s.label) for s in theme.subthemes]
    if not form.validate_on_submit():
        return _theme_page(analysis, theme, split=form, status=422)
    services.split([_theme_or_404(analysis, i) for i in form.subthemes.data],
                   form.label.data.strip(), current_user)
    flash(_("The new theme was made from the chosen sub-themes."), "success")
    return redirect(url_for("themes.show", analysis_id=analysis.id))


# Map, export, report ------------------------------------------------------------------------------

@bp.get("/staff/themes/<int:analysis_id>/map.svg")
def map_image(analysis_id: int):
    analysis = _analysis_or_404(analysis_id)
    svg = services.map_svg(analysis, _("Map of the answers, coloured by theme"))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.get("/staff/themes/<int:analysis_id>/export.csv")
def export(analysis_id: int):
    analysis = _analysis_or_404(analysis_id)
    header = [_("No."), _("Source"), _("Reference"), _("Theme"), _("Sub-theme"),
              _("Set aside because"), _("Copies"), _("Text")]
    body = "".join(services.export_rows(analysis, header, reason_label)).encode("utf-8")
    return Response(body,
                    mimetype="text/csv", headers={
                        "Content-Disposition": f'attachment; filename="themes-{analysis.id}.csv"'})


def _crosstab(analysis: Analysis) -> dict | None:
    filters = services.attribute_filters(analysis)
    column = request.args.get("column") or next(iter(filters), None)
    if column not in filters:
        return None
    return {"filters": filters, "table": services.crosstab(analysis, column)}


@bp.get("/staff/themes/<int:analysis_id>/crosstab")
def crosstab(analysis_id: int):
    """Themes × an attribute of the answers (地区, 年代 …): counts and shares."""
    analysis = _analysis_or_404(analysis_id)
    found = _crosstab(analysis)
    return render_template("insights/crosstab.html", analysis=analysis,
                           max_values=services.CROSSTAB_MAX_VALUES,
                           filters=found["filters"] if found else {},
                           table=found["table"] if found else None)


@bp.get("/staff/themes/<int:analysis_id>/crosstab.csv")
def crosstab_csv(analysis_id: int):
    analysis = _analysis_or_404(analysis_id)
    found = _crosstab(analysis)
    if found is None:  # nothing to compare by: the page says why
        return redirect(url_for("themes.crosstab", analysis_id=analysis.id))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in services.crosstab_rows(found["table"], _("Theme"), _("Answers in a theme")):
        writer.writerow([services.safe_cell(cell) for cell in row])
    return Response(out.getvalue().encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="themes-{analysis.id}-crosstab.csv"'})


@bp.get("/staff/themes/<int:analysis_id>/report")
def report(analysis_id: int):
    analysis = _analysis_or_404(analysis_id)
    themes = services.broad_themes(analysis)
    subs = {t.id: t.subthemes for t in themes}
    return render_template("insights/report.html", analysis=analysis, themes=themes, subs=subs,
                           quotes=services.quotes(themes),
                           rows=services.comment_count(analysis),
                           set_aside=services.set_aside_counts(analysis))


# CLI ----------------------------------------------------------------------------------------------

@bp.cli.command("cluster")
@click.argument("input_csv", type=click.Path(exists=True, dir_okay=False))
@click.option("--text-column", default=None,
              help="Column with the answers (default: guessed, 'text' if there is one).")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Where to write the themes and assignments as JSON.")
def cluster_command(input_csv: str, text_column: str | None, out: str):
    """Cluster the answers of a CSV file into themes; write JSON (null = set aside)."""
    from civic.insights.pipeline import cluster

    started = time.perf_counter()
    try:
        texts, _table = csvio.read_texts(input_csv, text_column)
    except csvio.CsvImportError as error:
        where = f"line {error.line}" if error.line else "file"
        raise click.ClickException(f"{input_csv}: cannot read {where}: "
                                   f"{str(error).removeprefix(f'line {error.line}: ')}") from None
    except OSError as error:
        raise click.ClickException(f"{input_csv}: {error.strerror}") from None
    data = cluster(texts).to_dict()
    data["seconds"] = round(time.perf_counter() - started, 3)
    Path(out).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    broad = sum(1 for t in data["themes"] if t["parent"] is None)
    click.echo(f"{len(texts)} rows, {broad} themes, {data['seconds']:.1f} s -> {out}")
