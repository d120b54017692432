"""Area pages (地域カルテ and 地域ビジョン), the comparison of areas, and the staff's edits."""

from functools import partial
from pathlib import Path
from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

import civic.areas.permissions  # noqa: F401  (declares the rules)
from civic.accounts.permissions import EVERY_AREA, permission_required, require, staff_scope
from civic.areas import charts, services
from civic.areas import facts as fact_rules
from civic.areas.forms import GoalForm, ImportForm, LinkForm, UnlinkForm, VisionForm
from civic.areas.models import AreaVision, GoalLink, VisionGoal
from civic.caching import services as caching
from civic.extensions import db, limiter, person_or_address
from civic.forms import ConfirmForm, confirmation
from civic.insights import csvio
from civic.insights.views import CSV_REASONS
from civic.matching import services as matching
from civic.meetings import services as meetings
from civic.spaces.models import Area
from civic.spaces.services import areas as all_areas
from civic.timeutil import utcnow, ward_today
from civic.transactions import read_only

bp = Blueprint("areas", __name__)

FACT_LABELS = {
    "population": _l("Population"), "households": _l("Households"), "male": _l("Men"),
    "female": _l("Women"), "children": _l("Children (0–14)"),
    "working_age": _l("Working age (15–64)"), "elderly": _l("Aged 65 and over"),
    "ageing_rate": _l("Ageing rate"), "foreign": _l("Foreign residents"),
}
UNIT_LABELS = {"人": _l("people"), "世帯": _l("households"), "%": "%"}
# What each facts.REASONS problem means to the person who imported the file.
FACT_REASONS = {
    "no_area_column": _l("No column names the area. Name one 地区名 (the area’s name) or "
                         "地区コード (its web address name)."),
    "no_year_column": _l("No column names the year. Name one 年 or 年度."),
    "no_area": _l("The area is empty."),
    "bad_year": _l("“%(value)s” is not a year (write 2024 or 令和6年)."),
    "bad_date": _l("“%(value)s” is not a date (write 2024-01-01)."),
    "bad_number": _l("%(column)s: “%(value)s” is not a number."),
    "duplicate": _l("%(area)s, %(year)s appears twice in the file."),
    "not_your_area": _l("%(area)s is not one of your areas: staff of the whole city import its "
                        "figures. Remove its rows, or ask them."),
    "unknown_area": _l("There is no area “%(area)s”. Use the area’s name or web address name "
                       "as on the areas page."),
    "too_many_columns": _l("More than %(limit)s columns are not known figures; is this the "
                           "right file?"),
}


@bp.app_template_global("fact_label")
def fact_label(key: str, label: str = "") -> str:
    if key in FACT_LABELS:
        return str(FACT_LABELS[key])
    if key.startswith("age_"):
        band, sex = key[4:].rsplit("_", 1)
        return _("Men %(band)s", band=band) if sex == "m" else _("Women %(band)s", band=band)
    return label or key.removeprefix("x:")


@bp.app_template_global("unit_label")
def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


@bp.app_template_global("area_url")
def area_url(area) -> str:
    """The area page of ``area`` (None: the whole city, which has no page)."""
    return url_for("areas.show", slug=area.slug) if area is not None else ""


def _area_or_404(slug: str) -> Area:
    area = services.area_by_slug(slug)
    if area is None:
        abort(404)
    return area


# Public pages -----------------------------------------------------------------------------------

@bp.get("/areas")
@read_only
def index():
    areas = all_areas()
    _keys, latest, _labels = services.comparison(areas)
    return render_template("areas/index.html", areas=areas, latest=latest)


def _charts(years: dict) -> dict[str, str]:
    if not years:
        return {}
    latest_year = max(years)
    result = {"pyramid": charts.age_pyramid(
        services.pyramid_bands(years[latest_year]),
        title=_("Population by age, %(year)s", year=latest_year),
        male_label=_("Men"), female_label=_("Women"))}
    people = services.trend_series(years, ("population", "elderly", "children", "foreign"))
    result["people"] = charts.trend({fact_label(k): v for k, v in people.items()},
                                    title=_("Residents over the years"), ident="trend-people")
    homes = services.trend_series(years, ("households",))
    result["households"] = charts.trend({fact_label(k): v for k, v in homes.items()},
                                        title=_("Households over the years"),
                                        ident="trend-households")
    rate = services.trend_series(years, ("ageing_rate",))
    result["ageing"] = charts.trend({fact_label(k): v for k, v in rate.items()},
                                    title=_("Ageing rate over the years (%)"),
                                    ident="trend-ageing")
    return result


@bp.get("/areas/<slug>")
@read_only
def show(slug: str):
    today = ward_today()

    def render_page():
        area = _area_or_404(slug)  # a 404 is not cached
        years = services.facts_by_year(area.id)
        latest_year = max(years) if years else None
        latest = years.get(latest_year, {})
        vision = services.vision_of(area)
        groups, group_count = services.groups(area)
        goals = [(goal, services.goal_links(goal), services.goal_progress(goal))
                 for goal in (vision.goals if vision else [])]
        values = dict(
            area=area, years=years, latest_year=latest_year,
            headline=[latest[k] for k in fact_rules.HEADLINE if k in latest],
            extras=[f for k, f in latest.items() if k.startswith("x:")],
            charts={name: Markup(svg) for name, svg in _charts(years).items() if svg},  # noqa: S704 - escaped by charts  # nosec B704
            staff=services.area_staff(area), processes=services.open_processes(area, today),
            proposals=services.accepted_proposals(area), cafes=services.cafes(area),
            groups=groups, group_count=group_count, vision=vision, goals=goals, today=today)
        return {"id": area.id, "name": area.name,
                "top": render_template("areas/_page_top.html", **values),
                "groups": render_template("areas/_page_groups.html", **values)}

    # Keyed by the address's slug: a page served from memory needs no query for its area.
    cached = caching.fragment("areas.show", (slug, today.isoformat()), services.PAGE_TABLES,
                              render_page)
    area = SimpleNamespace(id=cached["id"], slug=slug, name=cached["name"])
    parts = {"top": cached["top"], "groups": cached["groups"]}
    live = caching.fragment("areas.live", (area.id,), services.LIVE_TABLES,
                            partial(_render_live, area))
    now = utcnow().isoformat()
    upcoming = [html for ends_at, html in live["meetings"] if ends_at > now][:SHOWN_MEETINGS]
    return render_template(
        "areas/show.html", area=area,
        parts={name: Markup(html) for name, html in parts.items()},  # noqa: S704  # nosec B704
        meetings=Markup("".join(upcoming)), needs=Markup(live["needs"]))  # noqa: S704  # nosec B704


SHOWN_MEETINGS = 10


def _render_live(area) -> dict:
    """The area's next meetings, each with when it ends (the page leaves out those that have
    ended since), and its groups' open needs: cached until a meeting or a need is written."""
    macro = partial(get_template_attribute, "areas/_live_parts.html")
    return {"meetings": [(meeting.ends_at.isoformat(), str(macro("meeting_item")(meeting)))
                         for meeting in meetings.upcoming(area.id, limit=3 * SHOWN_MEETINGS)],
            "needs": str(macro("needs")(matching.open_needs_in_area(area.id)))}


@bp.get("/areas/compare")
@read_only
def compare():
    areas = all_areas()
    chosen = set(request.args.getlist("area"))
    shown = [a for a in areas if a.slug in chosen] if chosen else areas

    def render_table():
        keys, latest, labels = services.comparison(shown)
        return render_template("areas/_compare.html", areas=shown, keys=keys, latest=latest,
                               labels=labels)

    html = caching.fragment("areas.compare", tuple(a.id for a in shown), services.COMPARE_TABLES,
                            render_table)
    return render_template("areas/compare.html", areas=areas, chosen=chosen,
                           table=Markup(html))  # noqa: S704 - rendered by Jinja  # nosec B704


# Staff: importing the karte ---------------------------------------------------------------------

def _fact_problem(line, reason, details) -> str:
    message = FACT_REASONS[reason] % details if details else str(FACT_REASONS[reason])
    return _("Line %(line)s: %(problem)s", line=line, problem=message) if line else message


@bp.route("/staff/areas/facts/import", methods=["GET", "POST"])
@permission_required("areas.import_facts")
@limiter.limit("30 per hour", methods=["POST"], key_func=person_or_address)
def import_facts():
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        scope = staff_scope(current_user)
        try:
            # 地域担当職員 keep their own areas' karte; the city-wide file is city-wide staff's.
            result = services.import_facts(
                upload.read(), source=form.source.data.strip(), as_of=form.as_of.data,
                actor=current_user, filename=Path(upload.filename or "").name,
                only_areas=None if scope == EVERY_AREA else scope)
        except csvio.CsvImportError as error:
            db.session.rollback()
            reason = CSV_REASONS.get(error.reason, error.reason)
            problems.append(_("Line %(line)s: %(problem)s", line=error.line, problem=reason)
                            if error.line else str(reason))
        except fact_rules.FactsError as error:
            db.session.rollback()
            problems = [_fact_problem(*problem) for problem in error.problems[:50]]
        else:
            flash(_("Imported %(facts)s figures from %(rows)s rows (%(years)s).",
                    facts=result.facts, rows=result.rows,
                    years=", ".join(map(str, result.years))), "success")
            return redirect(url_for("areas.index"))
        form.file.errors.append(_("Nothing was imported. Please correct the file and import "
                                  "it again."))
    return render_template("areas/import.html", form=form, problems=problems), (
        422 if form.errors else 200)


# Staff: the vision ------------------------------------------------------------------------------

def _goal_or_404(goal_id: int) -> VisionGoal:
    goal = db.session.get(VisionGoal, goal_id)
    if goal is None:
        abort(404)
    require("area.edit_vision", goal.vision.area)
    return goal


@bp.route("/staff/areas/<slug>/vision", methods=["GET", "POST"])
@login_required
def edit_vision(slug: str):
    area = _area_or_404(slug)
    require("area.edit_vision", area)
    vision = db.session.scalar(select(AreaVision).where(AreaVision.area_id == area.id))
    form = VisionForm(obj=vision)
    if form.validate_on_submit():
        services.save_vision(area, form.title.data.strip(), form.body.data or "", current_user)
        flash(_("The vision has been saved."), "success")
        return redirect(url_for("areas.edit_vision", slug=area.slug))
    return render_template("areas/vision_form.html", area=area, vision=vision, form=form,
                           goal_form=GoalForm(formdata=None)), 422 if form.errors else 200


@bp.post("/staff/areas/<slug>/vision/goals")
@login_required
def add_goal(slug: str):
    area = _area_or_404(slug)
    require("area.edit_vision", area)
    vision = db.session.scalar(select(AreaVision).where(AreaVision.area_id == area.id))
    if vision is None:
        flash(_("Write the vision first, then add its goals."), "error")
        return redirect(url_for("areas.edit_vision", slug=area.slug))
    form = GoalForm()
    if form.validate_on_submit():
        goal = services.add_goal(vision, form.data, current_user)
        flash(_("The goal has been added."), "success")
        return redirect(url_for("areas.edit_goal", goal_id=goal.id))
    return render_template("areas/vision_form.html", area=area, vision=vision,
                           form=VisionForm(obj=vision, formdata=None), goal_form=form), 422


def _link_form(goal: VisionGoal, formdata=None) -> LinkForm:
    area = goal.vision.area
    form = LinkForm() if formdata is None else LinkForm(formdata=formdata)
    form.proposal.choices = [(0, _("None"))] + [(p.id, p.title) for p in
                                                services.linkable_proposals(area)]
    form.activity.choices = [(0, _("None"))] + [
        (a.id, f"{a.group.name}: {a.title}") for a in services.linkable_activities(area)]
    return form


@bp.route("/staff/goals/<int:goal_id>", methods=["GET", "POST"])
@login_required
def edit_goal(goal_id: int):
    goal = _goal_or_404(goal_id)
    form = GoalForm(obj=goal)
    if form.validate_on_submit():
        services.update_goal(goal, form.data, current_user)
        flash(_("The goal has been saved."), "success")
        return redirect(url_for("areas.edit_goal", goal_id=goal.id))
    return _goal_page(goal, form, _link_form(goal, formdata=None))


def _goal_page(goal, form, link_form):
    errors = form.errors or link_form.errors
    return render_template("areas/goal_form.html", goal=goal, area=goal.vision.area, form=form,
                           link_form=link_form, unlink_form=UnlinkForm(formdata=None)), (
        422 if errors else 200)


@bp.post("/staff/goals/<int:goal_id>/links")
@login_required
def add_link(goal_id: int):
    goal = _goal_or_404(goal_id)
    link_form = _link_form(goal, formdata=request.form)
    if link_form.validate_on_submit():
        proposal_id, activity_id = link_form.proposal.data, link_form.activity.data
        if bool(proposal_id) == bool(activity_id):
            link_form.proposal.errors = [_("Choose one proposal or one activity.")]
        else:
            try:
                services.add_link(goal, current_user, proposal_id=proposal_id,
                                  activity_id=activity_id)
            except services.VisionError:
                db.session.rollback()
                link_form.proposal.errors = [_("This is already linked to the goal.")]
            else:
                flash(_("The link has been added."), "success")
                return redirect(url_for("areas.edit_goal", goal_id=goal.id))
    return _goal_page(goal, GoalForm(obj=goal, formdata=None), link_form)


@bp.post("/staff/goal-links/<int:link_id>/delete")
@login_required
def delete_link(link_id: int):
    link = db.session.get(GoalLink, link_id)
    if link is None:
        abort(404)
    goal = _goal_or_404(link.goal_id)
    form = UnlinkForm()
    if form.validate_on_submit():
        services.delete_link(link, current_user)
        flash(_("The link has been removed."), "success")
    return redirect(url_for("areas.edit_goal", goal_id=goal.id))


@bp.route("/staff/goals/<int:goal_id>/delete", methods=["GET", "POST"])
@login_required
def delete_goal(goal_id: int):
    goal = _goal_or_404(goal_id)
    area = goal.vision.area
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(
            form, back=url_for("areas.edit_goal", goal_id=goal.id),
            heading=_("Delete the goal “%(title)s”?", title=goal.title),
            consequence=_("Its links to proposals and activities are removed; the proposals "
                          "and activities themselves stay."),
            button=_("Delete the goal"))
    services.delete_goal(goal, current_user)
    flash(_("The goal has been deleted."), "success")
    return redirect(url_for("areas.edit_vision", slug=area.slug))

