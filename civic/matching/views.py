from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

import civic.matching.permissions  # noqa: F401  (declares the rules)
from civic.accounts.permissions import can, require, signed_in
from civic.accounts.services import personal_data_sections
from civic.extensions import db, limiter, person_or_address
from civic.forms import ConfirmForm
from civic.groups import services as groups
from civic.matching import services
from civic.matching.forms import AcceptForm, NeedForm, OfferForm, slot_label
from civic.matching.models import MatchResponse, Need
from civic.security import no_store
from civic.spaces.models import Area

bp = Blueprint("matching", __name__)
bp.app_template_global("match_slot_label")(slot_label)
bp.app_template_global("needs_of_group")(services.needs_of_group)
personal_data_sections.append(services.personal_data)


def reason_text(kind: str, value: str | None) -> str:
    """One reason of a suggestion, as the person reads it (「同じ地区」「土曜 午前」「手話」)."""
    if kind == "area":
        return _("same area")
    if kind == "slot":
        return str(slot_label(value))
    return value or ""


def reasons_text(reasons) -> str:
    parts = [reason_text(r.kind, r.value) if hasattr(r, "kind") else reason_text(*r)
             for r in reasons]
    return _(" · ").join(parts)


bp.app_template_global("match_reasons")(reasons_text)


def _need_or_404(need_id: int) -> Need:
    need = db.session.get(Need, need_id)
    if need is None or not can("matching.view_need", need):
        abort(404)
    return need


@bp.get("/matching/")
@no_store
def index():
    """The person's suggested needs, or the area's open needs to anyone else."""
    suggestions = services.suggestions_for(current_user) if signed_in(current_user) else []
    offer = services.offer_of(current_user) if signed_in(current_user) else None
    mine = services.my_responses(current_user) if signed_in(current_user) else []
    return render_template("matching/index.html", suggestions=suggestions, offer=offer,
                           mine=mine, needs=services.open_needs(limit=50))


@bp.route("/matching/offer", methods=["GET", "POST"])
@no_store
def offer():
    require("matching.offer")
    current = services.offer_of(current_user)
    form = OfferForm(obj=current)
    form.area_id.choices = [(0, _("Any area"))] + [
        (a.id, a.name) for a in db.session.scalars(select(Area).order_by(Area.position))]
    if current is not None and not form.is_submitted():
        form.slots.data = services.split_slots(current.slots)
        form.area_id.data = current.area_id or 0
    if form.validate_on_submit():
        services.save_offer(current_user, form.data)
        flash(_("Your offer has been saved."), "success")
        return redirect(url_for("matching.index"))
    return render_template("matching/offer_form.html", form=form), 422 if form.errors else 200


@bp.route("/groups/<slug>/needs/new", methods=["GET", "POST"])
def new_need(slug: str):
    group = groups.visible_group_or_404(slug)
    require("matching.post_need", group)
    form = NeedForm()
    if form.validate_on_submit():
        need = services.create_need(group, form.data, current_user)
        flash(_("The need has been posted."), "success")
        return redirect(url_for("matching.responses", need_id=need.id))
    return render_template("matching/need_form.html", form=form, group=group), (
        422 if form.errors else 200)


@bp.get("/matching/needs/<int:need_id>")
def need(need_id: int):
    item = _need_or_404(need_id)
    suggestion = services.explain(current_user, item) if signed_in(current_user) else None
    response = services.response_of(item, current_user) if signed_in(current_user) else None
    return render_template("matching/need.html", need=item, suggestion=suggestion,
                           response=response, form=AcceptForm(),
                           runs=can("matching.run_need", item))


@bp.post("/matching/needs/<int:need_id>/accept")
@limiter.limit("20 per hour", key_func=person_or_address)
def accept(need_id: int):
    item = _need_or_404(need_id)
    require("matching.offer")
    form = AcceptForm()
    if not form.validate_on_submit():
        return render_template("matching/need.html", need=item, suggestion=None, response=None,
                               form=form, runs=False), 422
    try:
        services.accept(item, current_user, form.message.data or "")
    except services.MatchingError:
        db.session.rollback()
        flash(_("This need is closed."), "error")
        return redirect(url_for("matching.need", need_id=item.id)), 303
    flash(_("Thank you. The group has been told and will confirm."), "success")
    return redirect(url_for("matching.need", need_id=item.id)), 303


@bp.post("/matching/needs/<int:need_id>/withdraw")
def withdraw(need_id: int):
    item = _need_or_404(need_id)
    require("matching.offer")
    response = services.response_of(item, current_user)
    if response is None:
        abort(404)
    services.withdraw(response)
    flash(_("You have withdrawn your answer."), "success")
    return redirect(url_for("matching.need", need_id=item.id)), 303


@bp.get("/matching/needs/<int:need_id>/responses")
@no_store
def responses(need_id: int):
    item = _need_or_404(need_id)
    require("matching.run_need", item)
    return render_template("matching/responses.html", need=item,
                           responses=services.responses(item),
                           fitting=services.fitting_count(item),
                           confirmed=services.confirmed_count(item), form=ConfirmForm())


@bp.post("/matching/needs/<int:need_id>/invite")
@limiter.limit("10 per hour", key_func=person_or_address)
def invite(need_id: int):
    item = _need_or_404(need_id)
    require("matching.run_need", item)
    told = services.invite_fitting(item, current_user)
    flash(_("%(n)d people whose offers fit have been told about this need.", n=told), "success")
    return redirect(url_for("matching.responses", need_id=item.id)), 303


@bp.post("/matching/needs/<int:need_id>/close")
def close(need_id: int):
    item = _need_or_404(need_id)
    require("matching.run_need", item)
    services.close_need(item, current_user)
    flash(_("The need has been closed."), "success")
    return redirect(url_for("matching.responses", need_id=item.id)), 303


@bp.post("/matching/responses/<int:response_id>")
def decide(response_id: int):
    response = db.session.get(MatchResponse, response_id)
    if response is None or not can("matching.run_need", response.need):
        abort(404)
    decision = request.form.get("decision")
    if decision not in ("confirm", "decline"):
        abort(400)
    try:
        services.decide(response, decision == "confirm", current_user)
    except services.MatchingError as error:
        db.session.rollback()
        flash(_("Enough people are already confirmed for this need.") if str(error) == "enough"
              else _("This person has withdrawn."), "error")
    else:
        flash(_("The person has been told."), "success")
    return redirect(url_for("matching.responses", need_id=response.need_id)), 303
