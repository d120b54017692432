import json
import time
from datetime import timedelta
from pathlib import Path

import click
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

import civic.budgets.permissions  # noqa: F401  (declares the rules)
import civic.budgets.tasks  # noqa: F401  (registers the jobs)
from civic.accounts.permissions import acts_for_area, can, require
from civic.accounts.services import personal_data_sections
from civic.budgets import explain, pabulib, rules, services
from civic.budgets.forms import RULE_LABELS, BudgetForm, ImportForm, ProjectForm, ReceiptForm
from civic.budgets.models import Budget, BudgetProject
from civic.comments import services as comments
from civic.comments import views as comment_views
from civic.extensions import db, limiter, person_or_address
from civic.forms import db_int
from civic.spaces import services as spaces_services
from civic.spaces.models import Phase, Process
from civic.spaces.services import visible_process_or_404
from civic.timeutil import ward_today
from civic.transactions import read_only

bp = Blueprint("budgets", __name__, cli_group="budgets")
bp.app_template_global("budgets_for")(services.budgets_of)
bp.app_template_filter("money")(services.money)
personal_data_sections.append(services.personal_data)
spaces_services.phase_changed.append(services.count_due_results)

# Per person: the ballot page's script sends one request per ticked box.
BALLOT_LIMIT = "120 per minute;2000 per hour"
RECEIPT = "budget_receipt"  # session key: the receipt code, shown once after checkout


def _budget_or_404(budget_id: int) -> Budget:
    # Its process and phases in the same query: visibility and "is voting open" ask for them.
    budget = db.session.get(Budget, budget_id,
                            options=[joinedload(Budget.process).joinedload(Process.phases)])
    if budget is None or not can("process.view", budget.process):
        abort(404)
    return budget


def _area_choices():
    """The areas the person acts for as staff (0 stands for the whole city)."""
    return [(area_id, name) for area_id, name in
            [(0, _("Whole city"))] + [(a.id, a.name) for a in spaces_services.areas()]
            if acts_for_area(current_user, area_id or None)]


# Staff ------------------------------------------------------------------------------------------

@bp.route("/processes/<slug>/budgets/new", methods=["GET", "POST"])
def new_budget(slug: str):
    process = visible_process_or_404(slug)
    require("budget.manage", process)
    form = BudgetForm()
    form.area.choices = _area_choices()
    if request.method == "GET":
        form.area.data = process.area_id or 0
    if form.validate_on_submit():
        budget = services.save_budget(Budget(), _budget_data(form), process, current_user)
        flash(_("The budget has been created. Now add its projects."), "success")
        return redirect(url_for("budgets.show", budget_id=budget.id))
    return render_template("budgets/budget_form.html", form=form, process=process, budget=None), (
        422 if form.errors else 200)


@bp.route("/processes/<slug>/budgets/import", methods=["GET", "POST"])
def import_budget(slug: str):
    """A budget from a pabulib file: the CLI's import-pabulib for staff in the browser."""
    process = visible_process_or_404(slug)
    require("budget.manage", process)
    form = ImportForm()
    form.rule.choices = [("", _("The file's own rule"))] + list(RULE_LABELS.items())
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8")
        except UnicodeDecodeError:
            form.file.errors.append(_("The file is not UTF-8 text, as pabulib files are."))
        else:
            try:
                budget = services.import_upload(text, process, current_user,
                                                (form.title.data or "").strip() or None,
                                                form.rule.data or None)
            except services.MissingRule:
                form.rule.errors.append(_("The file names no counting rule that civic knows. "
                                          "Choose one."))
            except ValueError as error:  # PabulibError names the line; ImportProblem the value
                form.file.errors.append(_("This file cannot be imported: %(problem)s",
                                          problem=str(error)))
            else:
                flash(_("Imported %(projects)d projects and %(ballots)d ballots.",
                        projects=len(budget.projects), ballots=budget.ballot_count), "success")
                return redirect(url_for("budgets.show", budget_id=budget.id))
    return render_template("budgets/import_form.html", form=form, process=process), (
        422 if form.errors else 200)


@bp.route("/budgets/<int:budget_id>/edit", methods=["GET", "POST"])
def edit_budget(budget_id: int):
    budget = _budget_or_404(budget_id)
    require("budget.manage", budget)
    form = BudgetForm(obj=budget)
    form.area.choices = _area_choices()
    if request.method == "GET":
        form.area.data = budget.area_id or 0
    if form.validate_on_submit():
        try:
            services.save_budget(budget, _budget_data(form), budget.process, current_user)
        except IntegrityError:
            db.session.rollback()
            form.amount.errors.append(_("Some ballots already cost more than this amount."))
        else:
            flash(_("The budget has been saved."), "success")
            return redirect(url_for("budgets.show", budget_id=budget.id))
    return render_template("budgets/budget_form.html", form=form, process=budget.process,
                           budget=budget), 422 if form.errors else 200


def _budget_data(form: BudgetForm) -> dict:
    data = dict(form.data)
    if data.get("threshold") is not None:
        data["threshold"] = float(data["threshold"])
    return data


@bp.route("/budgets/<int:budget_id>/projects/new", methods=["GET", "POST"])
@bp.route("/budgets/<int:budget_id>/projects/<int:project_id>/edit", methods=["GET", "POST"])
def edit_project(budget_id: int, project_id: int | None = None):
    budget = _budget_or_404(budget_id)
    require("budget.manage", budget)
    project = BudgetProject()
    if project_id is not None:
        project = _project_or_404(budget, project_id)
    form = ProjectForm(obj=project)
    form.area.choices = _area_choices()
    if request.method == "GET":
        form.area.data = project.area_id or budget.area_id or 0
    if form.validate_on_submit() and _proposal_ok(budget, form):
        services.save_project(budget, project, form.data, current_user)
        flash(_("The project has been saved."), "success")
        return redirect(url_for("budgets.show", budget_id=budget.id))
    return render_template("budgets/project_form.html", form=form, budget=budget,
                           project=project), 422 if form.errors else 200


def _proposal_ok(budget: Budget, form: ProjectForm) -> bool:
    from civic.proposals.lifecycle import ACCOUNTABLE_STATES
    from civic.proposals.models import Proposal

    if form.proposal_id.data is None:
        return True
    proposal = db.session.get(Proposal, form.proposal_id.data)
    if (proposal is None or proposal.process_id != budget.process_id
            or proposal.state not in ACCOUNTABLE_STATES):
        form.proposal_id.errors.append(
            _("There is no accepted proposal with this number in this process."))
        return False
    return True


def _project_or_404(budget: Budget, project_id: int) -> BudgetProject:
    project = db.session.get(BudgetProject, project_id)
    if project is None or project.budget_id != budget.id:
        abort(404)
    return project


# Residents --------------------------------------------------------------------------------------

def _selection_from_form(budget: Budget) -> dict[int, int | None]:
    """The projects ticked in the ballot form (cumulative: the points typed for each)."""
    wanted: dict[int, int | None] = {}
    if budget.uses_points:
        for project in budget.projects:
            raw = (request.form.get(f"points-{project.id}") or "").strip()
            if raw:
                try:
                    value = int(raw)
                except ValueError:
                    value = -1
                if value != 0:
                    wanted[project.id] = value
        return wanted
    for raw in request.form.getlist("project"):
        # Like text, a number beyond every id (or a digit int() does not read, "²") is no project.
        try:
            project_id = db_int(raw) if raw.isdigit() else None
        except ValueError:
            project_id = None
        if project_id is not None:
            wanted[project_id] = None
    return wanted


def _render_budget(budget: Budget, status: int = 200, error: str | None = None,
                   selection: dict[int, int | None] | None = None):
    today = ward_today()
    ballot = services.ballot_of(budget, current_user)
    if selection is None:
        selection = {item.project_id: int(item.points) if item.points is not None else None
                     for item in ballot.items} if ballot else {}
    total_cost = sum(p.cost for p in budget.projects if p.id in selection)
    used_points = sum(v or 0 for v in selection.values())
    return render_template(
        "budgets/budget.html", budget=budget, process=budget.process, ballot=ballot,
        selection=selection, total_cost=total_cost, used_points=used_points, error=error,
        problem=services.vote_problem(current_user, budget, today),
        results_open=budget.process.is_open("results_published", today),
        ballots_open=budget.process.is_open("ballots_open", today),
    ), status


@bp.get("/budgets/<int:budget_id>")
@read_only
def show(budget_id: int):
    return _render_budget(_budget_or_404(budget_id))


@bp.get("/budgets/<int:budget_id>/projects/<int:project_id>")
def project(budget_id: int, project_id: int):
    budget = _budget_or_404(budget_id)
    project = _project_or_404(budget, project_id)

    def page_url(**changes):
        args = {"sort": request.args.get("sort"), "cpage": request.args.get("cpage"), **changes}
        return url_for("budgets.project", budget_id=budget.id, project_id=project.id,
                       **{k: v for k, v in args.items() if v not in (None, "", 1, "1")})

    return render_template("budgets/project.html", budget=budget, project=project,
                           comments_html=comment_views.section(
                               "budget_project", project.id, request.args.get("sort"),
                               request.args.get("cpage"), page_url))


def _project_url(project: BudgetProject) -> str:
    return url_for("budgets.project", budget_id=project.budget_id, project_id=project.id)


comments.register_target(
    "budget_project", BudgetProject, url=_project_url,
    can_view=lambda user, p: can("process.view", p.budget.process, user=user),
    can_comment=lambda user, p: can("budget.comment", p, user=user))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _ballot_json(budget: Budget, ballot, error: str | None = None, status: int = 200):
    return jsonify({
        "ok": error is None, "error": error,
        "total_cost": ballot.total_cost if ballot else 0,
        "remaining": budget.amount - (ballot.total_cost if ballot else 0),
        "project_count": ballot.project_count if ballot else 0,
        "points": int(ballot.total_points) if ballot else 0,
        "selected": [item.project_id for item in ballot.items] if ballot else [],
    }), status


@bp.post("/budgets/<int:budget_id>/ballot")
@limiter.limit(BALLOT_LIMIT, key_func=person_or_address)
def save_ballot(budget_id: int):
    """Replace the ballot's selection with what the form shows (the page works without JS)."""
    budget = _budget_or_404(budget_id)
    selection = _selection_from_form(budget)
    try:
        services.set_selection(budget, current_user, selection, ward_today())
    except services.BallotError as exc:
        return _render_budget(budget, 422, str(exc), selection)
    if request.form.get("next") == "review":
        return redirect(url_for("budgets.review", budget_id=budget.id))
    flash(_("Your ballot has been saved. It counts once you check out."), "success")
    return redirect(url_for("budgets.show", budget_id=budget.id, _anchor="ballot"))


@bp.post("/budgets/<int:budget_id>/ballot/add")
@bp.post("/budgets/<int:budget_id>/ballot/remove")
@limiter.limit(BALLOT_LIMIT, key_func=person_or_address)
def change_ballot(budget_id: int):
    """Add or remove one project (the JS calls these as the checkboxes change)."""
    budget = _budget_or_404(budget_id)
    project_id = request.form.get("project", type=db_int)
    points = request.form.get("points", type=db_int)
    today = ward_today()
    try:
        if request.path.endswith("/add"):
            ballot = services.add_project(budget, current_user, project_id, today, points)
        else:
            ballot = services.remove_project(budget, current_user, project_id, today)
    except services.BallotError as exc:
        db.session.rollback()
        if _wants_json():
            return _ballot_json(budget, services.ballot_of(budget, current_user), str(exc), 422)
        return _render_budget(budget, 422, str(exc))
    if _wants_json():
        return _ballot_json(budget, db.session.get(type(ballot), ballot.id))
    # budget_id, not budget.id: the commit expired the budget, and reloading it costs a query.
    return redirect(url_for("budgets.show", budget_id=budget_id, _anchor="ballot"))


@bp.get("/budgets/<int:budget_id>/ballot/review")
def review(budget_id: int):
    budget = _budget_or_404(budget_id)
    ballot = services.ballot_of(budget, current_user)
    if ballot is None:
        return redirect(url_for("budgets.show", budget_id=budget.id))
    problem = services.vote_problem(current_user, budget, ward_today())
    return render_template("budgets/review.html", budget=budget, ballot=ballot, problem=problem)


@bp.post("/budgets/<int:budget_id>/ballot/checkout")
@limiter.limit(BALLOT_LIMIT, key_func=person_or_address)
def checkout(budget_id: int):
    budget = _budget_or_404(budget_id)
    try:
        code = services.checkout(budget, current_user, ward_today())
    except services.BallotError as exc:
        ballot = services.ballot_of(budget, current_user)
        if ballot is None:
            return _render_budget(budget, 422, str(exc))
        return render_template("budgets/review.html", budget=budget, ballot=ballot,
                               problem=None, error=str(exc)), 422
    session[RECEIPT] = {"budget": budget.id, "code": code}
    return redirect(url_for("budgets.receipt", budget_id=budget.id))


@bp.get("/budgets/<int:budget_id>/receipt")
def receipt(budget_id: int):
    budget = _budget_or_404(budget_id)
    shown = session.get(RECEIPT)
    code = None
    if shown and shown.get("budget") == budget.id:
        code = session.pop(RECEIPT)["code"]
    ballot = services.ballot_of(budget, current_user)
    if ballot is None or not ballot.is_checked_out:
        return redirect(url_for("budgets.show", budget_id=budget.id))
    response = render_template("budgets/receipt.html", budget=budget, ballot=ballot, code=code)
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/budgets/<int:budget_id>/ballot/reopen")
@limiter.limit(BALLOT_LIMIT, key_func=person_or_address)
def reopen(budget_id: int):
    budget = _budget_or_404(budget_id)
    try:
        services.reopen(budget, current_user, ward_today())
    except services.BallotError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Your ballot is open again. It does not count until you check out again."),
              "warning")
    return redirect(url_for("budgets.show", budget_id=budget.id, _anchor="ballot"))


# Results ----------------------------------------------------------------------------------------

@bp.get("/budgets/<int:budget_id>/results")
def results(budget_id: int):
    budget = _budget_or_404(budget_id)
    published = budget.process.is_open("results_published", ward_today())
    if not published and not can("budget.manage", budget):
        abort(404)
    return _render_results(budget, published, ReceiptForm(formdata=None))


def _render_results(budget: Budget, published: bool, form: ReceiptForm, checked=None,
                    status: int = 200):
    stored = services.current_result(budget)
    if stored is None:
        # Never counted inside a request: a job counts, the page says 集計中 until it is done.
        job = services.request_count(budget, current_user if current_user.is_authenticated else None)
        headers = {"Cache-Control": "no-store"}
        if job is None or not job.finished:
            headers["Refresh"] = "5"  # reloads without JavaScript too
        return render_template("budgets/results_pending.html", budget=budget, job=job,
                               published=published), status, headers
    outcome = stored.outcome
    projects = {p.code: p for p in budget.projects}
    rows = [explain.Row(r, projects.get(r["project_id"]), explain.sentence(r, outcome, budget))
            for r in outcome["results"]]
    top = max([r.result["score"] for r in rows] + [0])
    return render_template("budgets/results.html", budget=budget, outcome=outcome, rows=rows,
                           top=top, published=published, form=form, checked=checked,
                           stored=stored, ties=explain.ties(outcome, projects),
                           rule_label=explain.rule_name(outcome["rule"])), status


@bp.post("/budgets/<int:budget_id>/results/recount")
def recount(budget_id: int):
    """Staff count the ballots again (e.g. after a failed count)."""
    budget = _budget_or_404(budget_id)
    require("budget.manage", budget)
    services.request_count(budget, current_user, again=True)
    flash(_("The ballots are being counted again."), "success")
    return redirect(url_for("budgets.results", budget_id=budget.id))


@bp.post("/budgets/<int:budget_id>/receipt/check")
@limiter.limit("20 per minute")
def check_receipt(budget_id: int):
    budget = _budget_or_404(budget_id)
    published = budget.process.is_open("results_published", ward_today())
    if not published and not can("budget.manage", budget):
        abort(404)
    form = ReceiptForm()
    if not form.validate_on_submit():
        return _render_results(budget, published, form, status=422)
    ballot = services.check_receipt(budget, form.code.data)
    return _render_results(budget, published, form, checked=bool(ballot))


# CLI --------------------------------------------------------------------------------------------

@bp.cli.command("tally")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--rule", type=click.Choice(rules.RULES), help="Count with this rule instead of "
              "the file's own.")
@click.option("--json", "as_json", is_flag=True, help="End with a JSON line.")
def tally_command(file: str, rule: str | None, as_json: bool):
    """Compute the winners of a pabulib FILE and print the selected project ids."""
    started = time.perf_counter()
    try:
        election = pabulib.parse(Path(file))
        outcome = rules.tally(election, rule)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    seconds = time.perf_counter() - started
    for project_id in outcome.selected:
        click.echo(project_id)
    if as_json:
        click.echo(json.dumps({"rule": outcome.rule, "selected": outcome.selected,
                               "seconds": round(seconds, 6)}))


@bp.cli.command("count-due")
def count_due_command():
    """Count the results of every budget whose results phase has begun and that has none yet
    (for a daily cron job: a phase that begins by its dates starts no job by itself)."""
    from civic.jobs import services as jobs

    for process in db.session.scalars(select(Process)):
        for job in services.count_due_results(process):
            jobs.run(job.id)  # here, unless a worker was quicker: it ends when all are counted
            while not (job := jobs.status(job.id)).finished:
                time.sleep(0.2)
            click.echo(f"job {job.id}: {job.status} {job.result or job.error or ''}")


@bp.cli.command("import-pabulib")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--process", "slug", help="Slug of the process to add the budget to (default: a "
              "new unpublished process).")
@click.option("--title", help="Title of the budget (default: the file's description).")
@click.option("--rule", type=click.Choice(rules.RULES), help="Rule for the budget (default: "
              "the file's own).")
def import_command(file: str, slug: str | None, title: str | None, rule: str | None):
    """Create a budget with the projects and ballots of a pabulib FILE (all or nothing)."""
    try:
        election = services.parse_for_import(Path(file))
    except ValueError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    try:
        if slug:
            process = db.session.scalar(select(Process).where(Process.slug == slug))
            if process is None:
                raise click.ClickException(f"no process with slug {slug!r}")
        else:
            process = _import_process(Path(file), election)
        budget = services.import_election(election, process, title=title, rule=rule)
        db.session.commit()
    except services.ImportProblem as exc:
        db.session.rollback()
        raise click.ClickException(f"{file}: {exc}") from exc
    except BaseException:
        db.session.rollback()
        raise
    click.echo(f"budget {budget.id}: {len(election.projects)} projects, "
               f"{len(election.ballots)} ballots in process {process.slug}")


def _import_process(path: Path, election: rules.Election) -> Process:
    today = ward_today()
    slug = spaces_services.unique_slug(
        "pb-" + "".join(ch if ch.isalnum() else "-" for ch in path.stem.lower())[:70])
    process = Process(slug=slug, title=(election.meta.get("description") or path.stem)[:200],
                      summary=_("Imported from a pabulib file."), published=False)
    process.phases = [Phase(position=0, title=_("Results"), starts_on=today,
                            ends_on=today + timedelta(days=365), results_published=True)]
    db.session.add(process)
    db.session.flush()
    return process


@bp.cli.command("export-pabulib")
@click.argument("budget_id", metavar="BUDGET", type=int)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to this file "
              "instead of standard output.")
def export_command(budget_id: int, out: str | None):
    """Write budget BUDGET (its id) as a pabulib file."""
    budget = db.session.get(Budget, budget_id)
    if budget is None:
        raise click.ClickException(f"no budget with id {budget_id}")
    text = services.export_election(budget)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)
