from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

import civic.spaces.permissions  # noqa: F401  (declares the rules)
from civic.accounts.permissions import acts_for_area, permission_required, require
from civic.audit.services import record
from civic.extensions import db
from civic.forms import ConfirmForm, confirmation, db_int
from civic.spaces import services
from civic.spaces.forms import AreaForm, PhaseForm, PinPhaseForm, ProcessForm
from civic.spaces.models import FEATURES, Area, Phase, Process
from civic.spaces.services import visible_process_or_404
from civic.timeutil import ward_today
from civic.transactions import read_only

bp = Blueprint("spaces", __name__)

# What a resident can do while a phase has the feature switched on.
FEATURE_ACTIONS = {
    "proposals_open": _l("Submit a proposal"),
    "supports_open": _l("Support proposals"),
    "comments_open": _l("Comment"),
    "ballots_open": _l("Vote on the budget"),
    "cafe_open": _l("Join the world café"),
    "surveys_open": _l("Answer the survey"),
    "opinions_open": _l("Vote on statements"),
    "results_published": _l("See the results"),
    "consultations_open": _l("Send an opinion on the draft"),
}
bp.app_template_global("feature_actions")(lambda: FEATURE_ACTIONS)


@bp.get("/")
@read_only
def home():
    today = ward_today()
    return render_template("spaces/home.html", cards=services.open_processes(current_user, today),
                           today=today)


@bp.get("/processes")
@read_only
def processes():
    today = ward_today()
    area_id = request.args.get("area", type=db_int)
    statement = select(Process).where(Process.published.is_(True)).order_by(
        Process.created_at.desc())
    if area_id:
        statement = statement.where(Process.area_id == area_id)
    return render_template("spaces/processes.html", processes=db.session.scalars(statement).all(),
                           areas=services.areas(), area_id=area_id, today=today)


@bp.get("/processes/<slug>")
@read_only
def process(slug: str):
    process = visible_process_or_404(slug)
    today = ward_today()
    return render_template("spaces/process.html", process=process,
                           phase=process.current_phase(today), today=today)


# Staff ------------------------------------------------------------------------------------------

def _area_choices():
    """The areas the person may run a process for (0 stands for the whole city)."""
    return [(area_id, name) for area_id, name in
            [(0, _("Whole city"))] + [(area.id, area.name) for area in services.areas()]
            if acts_for_area(current_user, area_id or None)]


def _managed_process_or_404(slug: str) -> Process:
    process = visible_process_or_404(slug)
    require("process.manage", process)
    return process


@bp.route("/staff/processes/new", methods=["GET", "POST"])
@permission_required("process.create")
def new_process():
    form = ProcessForm()
    form.area.choices = _area_choices()
    if form.validate_on_submit():
        process = services.save_process(Process(), form.data, current_user)
        flash(_("The process has been created. Now add its phases."), "success")
        return redirect(url_for("spaces.edit_process", slug=process.slug))
    return render_template("spaces/process_form.html", form=form, process=None)


@bp.route("/staff/processes/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_process(slug: str):
    process = _managed_process_or_404(slug)
    form = ProcessForm(obj=process)
    form.area.choices = _area_choices()
    if request.method == "GET":
        form.area.data = process.area_id or 0  # the form's 0 stands for the whole city
    pin = PinPhaseForm(data={"phase": process.pinned_phase_id or 0})
    pin.phase.choices = [(0, _("Follow the dates"))] + [(p.id, p.title) for p in process.phases]
    if form.validate_on_submit():
        services.save_process(process, form.data, current_user)
        flash(_("The process has been saved."), "success")
        return redirect(url_for("spaces.edit_process", slug=process.slug))
    return render_template("spaces/process_form.html", form=form, process=process, pin=pin,
                           phase_form=PhaseForm(formdata=None), today=ward_today())


@bp.post("/staff/processes/<slug>/phase")
@login_required
def pin_phase(slug: str):
    process = _managed_process_or_404(slug)
    form = PinPhaseForm()
    form.phase.choices = [(0, "")] + [(p.id, p.title) for p in process.phases]
    if form.validate_on_submit():
        services.pin_phase(process, form.phase.data or None, current_user)
        flash(_("The current phase has been changed."), "success")
    return redirect(url_for("spaces.edit_process", slug=process.slug))


@bp.route("/staff/processes/<slug>/phases/new", methods=["GET", "POST"])
@bp.route("/staff/processes/<slug>/phases/<int:phase_id>", methods=["GET", "POST"])
@login_required
def edit_phase(slug: str, phase_id: int | None = None):
    process = _managed_process_or_404(slug)
    phase = Phase()
    if phase_id is not None:
        phase = next((p for p in process.phases if p.id == phase_id), None)
        if phase is None:
            abort(404)
    form = PhaseForm(obj=phase)
    if form.validate_on_submit():
        fields = ("title", "description", "starts_on", "ends_on", *FEATURES)
        services.save_phase(process, phase, {name: form[name].data for name in fields},
                            current_user)
        flash(_("The phase has been saved."), "success")
        return redirect(url_for("spaces.edit_process", slug=process.slug))
    return render_template("spaces/phase_form.html", form=form, process=process, phase=phase), (
        422 if form.errors else 200)


@bp.route("/staff/processes/<slug>/phases/<int:phase_id>/delete", methods=["GET", "POST"])
@login_required
def delete_phase(slug: str, phase_id: int):
    process = _managed_process_or_404(slug)
    phase = next((p for p in process.phases if p.id == phase_id), None)
    if phase is None:
        abort(404)
    back = url_for("spaces.edit_process", slug=process.slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(
            form, heading=_("Delete the phase “%(title)s”?", title=phase.title), back=back,
            consequence=_("The phase and its dates go; what people did in it stays. This "
                          "cannot be undone."), button=_("Delete the phase"))
    services.delete_phase(process, phase, current_user)
    flash(_("The phase has been deleted."), "success")
    return redirect(back)


@bp.route("/staff/areas", methods=["GET", "POST"])
@permission_required("area.manage")
def areas():
    form = AreaForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Area.id).where(Area.slug == form.slug.data)):
            form.slug.errors.append(_("This web address name is already used."))
        else:
            area = Area(name=form.name.data.strip(), slug=form.slug.data,
                        description=form.description.data or "",
                        position=len(services.areas()))
            db.session.add(area)
            db.session.flush()
            record(current_user, "area.created", area)
            db.session.commit()
            flash(_("The area has been added."), "success")
            return redirect(url_for("spaces.areas"))
    return render_template("spaces/areas.html", form=form, areas=services.areas())
