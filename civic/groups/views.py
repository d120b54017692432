"""Local groups: the directory per area, a group's page, admin requests and their confirmation by
staff, editing and activities (admins and staff), joint projects and the network view (staff)."""

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

import civic.groups.permissions  # noqa: F401  (declares the rules)
from civic.accounts.permissions import (
    EVERY_AREA,
    acts_for_area,
    can,
    permission_required,
    require,
    staff_scope,
)
from civic.extensions import db, limiter, person_or_address
from civic.forms import ConfirmForm, confirmation, db_int
from civic.groups import network, services
from civic.groups.forms import ActivityForm, AdminRequestForm, DecisionForm, GroupForm, ProjectForm
from civic.groups.models import (
    CONTACT_VISIBILITY,
    KINDS,
    THEMES,
    Group,
    GroupActivity,
    GroupActivityPartner,
    GroupMembership,
    GroupProject,
    GroupTheme,
)
from civic.places.models import Place
from civic.spaces import services as spaces
from civic.timeutil import ward_time
from civic.transactions import read_only

bp = Blueprint("groups", __name__)

KIND_LABELS = {
    "neighbourhood": _l("Neighbourhood association"),
    "npo": _l("NPO"),
    "school": _l("School and PTA"),
    "welfare": _l("Welfare"),
    "disaster": _l("Disaster prevention"),
    "circle": _l("Circle"),
    "other": _l("Other group"),
}
THEME_LABELS = {
    "welfare": _l("Welfare"),
    "disaster": _l("Disaster prevention"),
    "school": _l("Schools and children"),
    "elderly": _l("Older people"),
    "environment": _l("Environment"),
    "culture": _l("Culture and sport"),
    "safety": _l("Safety and traffic"),
    "multicultural": _l("Living together across cultures"),
    "town": _l("Town planning"),
}
VISIBILITY_LABELS = {
    "public": _l("Everyone"),
    "signed_in": _l("Signed-in people"),
    "verified": _l("Verified residents"),
    "staff": _l("Only ward staff (people ask the ward)"),
}
bp.app_template_global("group_kinds")(lambda: KIND_LABELS)
bp.app_template_global("group_themes")(lambda: THEME_LABELS)


@bp.get("/groups")
@read_only
def index():
    area_id = request.args.get("area", type=db_int) or None
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    theme = request.args.get("theme") if request.args.get("theme") in THEMES else None
    areas = spaces.areas()
    return render_template("groups/index.html", groups=services.directory(area_id, kind, theme),
                           areas=areas, area_names={area.id: area.name for area in areas},
                           area_id=area_id, kind=kind, theme=theme)


@bp.get("/groups/<slug>")
@read_only
def show(slug: str):
    group = services.visible_group_or_404(slug)
    row = services.membership(group, current_user) if current_user.is_authenticated else None
    return render_template("groups/show.html", group=group, activities=services.activities(group),
                           projects=services.projects(group), membership=row,
                           admins=services.admins(group) if can("group.manage", group) else [],
                           show_contact=can("group.contact", group),
                           visibility_labels=VISIBILITY_LABELS)


@bp.route("/groups/<slug>/admin-request", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"], key_func=person_or_address)
def request_admin(slug: str):
    group = services.visible_group_or_404(slug)
    require("group.request_admin", group)
    form = AdminRequestForm()
    if form.validate_on_submit():
        services.request_admin(group, current_user, form.message.data)
        flash(_("Thank you. Ward staff will confirm you as an admin of the group."), "success")
        return redirect(url_for("groups.show", slug=group.slug))
    return render_template("groups/admin_request.html", form=form, group=group), (
        422 if form.errors else 200)


def _group_form(group: Group, *, staff: bool) -> GroupForm:
    form = GroupForm(obj=group)
    form.kind.choices = [(key, str(label)) for key, label in KIND_LABELS.items()]
    form.themes.choices = [(key, str(label)) for key, label in THEME_LABELS.items()]
    form.contact_visibility.choices = [(key, str(VISIBILITY_LABELS[key]))
                                       for key in CONTACT_VISIBILITY]
    form.area.choices = [(area.id, area.name) for area in spaces.areas()
                         if not staff and area.id == group.area_id
                         or staff and acts_for_area(current_user, area.id)]
    form.places.choices = [(place.id, place.name) for place in db.session.scalars(
        select(Place).order_by(Place.name))]
    if request.method == "GET":
        form.themes.data = group.themes
        form.places.data = [row.place_id for row in group.place_rows]
        if group.id is not None:
            form.area.data = group.area_id
    if not staff:
        del form.slug
    return form


@bp.route("/staff/groups/new", methods=["GET", "POST"])
@permission_required("group.manage")
@limiter.limit("120 per hour", methods=["POST"], key_func=person_or_address)
def new():
    return _edit(Group(), staff=True)


@bp.route("/groups/<slug>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit("120 per hour", methods=["POST"], key_func=person_or_address)
def edit(slug: str):
    group = services.visible_group_or_404(slug)
    require("group.edit", group)
    return _edit(group, staff=can("group.manage", group))


def _edit(group: Group, *, staff: bool):
    form = _group_form(group, staff=staff)
    if form.validate_on_submit():
        data = dict(form.data)
        if staff and data.get("slug") and services.slug_taken(data["slug"], group):
            form.slug.errors.append(_("This web address name is already used."))
        else:
            services.save_group(group, data, current_user, staff=staff)
            flash(_("The group has been saved."), "success")
            return redirect(url_for("groups.show", slug=group.slug))
    return render_template("groups/form.html", form=form, group=group), (
        422 if form.errors else 200)


def _activity_form(group: Group, activity: GroupActivity | None = None) -> ActivityForm:
    form = ActivityForm(obj=None if activity is None else _activity_fields(activity))
    form.place.choices = [(0, _("Not on the map"))] + [
        (place.id, place.name) for place in db.session.scalars(
            select(Place).where(Place.published.is_(True)).order_by(Place.area_id != group.area_id,
                                                                    Place.name))]
    form.partners.choices = [(other.id, other.name) for other in db.session.scalars(
        select(Group).where(Group.published.is_(True), Group.id != group.id)
        .order_by(Group.area_id != group.area_id, Group.name))]
    if activity is not None:
        form.submit.label.text = _("Save the activity")
    return form


def _activity_fields(activity: GroupActivity) -> SimpleNamespace:
    """The stored activity as the form shows it: times on the ward's clock."""
    def local(moment):
        return ward_time(moment).replace(tzinfo=None) if moment else None

    return SimpleNamespace(
        title=activity.title, description=activity.description,
        starts_at=local(activity.starts_at), ends_at=local(activity.ends_at),
        place=activity.place_id or 0, location=activity.location,
        partners=[row.group_id for row in activity.partner_rows])


@bp.route("/groups/<slug>/activities/new", methods=["GET", "POST"])
@login_required
@limiter.limit("60 per hour", methods=["POST"], key_func=person_or_address)
def new_activity(slug: str):
    group = services.visible_group_or_404(slug)
    require("group.edit", group)
    form = _activity_form(group)
    if form.validate_on_submit():
        services.save_activity(group, form.data, current_user)
        flash(_("The activity has been added."), "success")
        return redirect(url_for("groups.show", slug=group.slug))
    return render_template("groups/activity_form.html", form=form, group=group), (
        422 if form.errors else 200)


@bp.route("/groups/<slug>/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit("60 per hour", methods=["POST"], key_func=person_or_address)
def edit_activity(slug: str, activity_id: int):
    group = services.visible_group_or_404(slug)
    require("group.edit", group)
    activity = services.own_activity_or_404(group, activity_id)
    form = _activity_form(group, activity)
    if form.validate_on_submit():
        services.save_activity(group, form.data, current_user, activity)
        flash(_("The activity has been saved."), "success")
        return redirect(url_for("groups.show", slug=group.slug))
    return render_template("groups/activity_form.html", form=form, group=group,
                           activity=activity), (422 if form.errors else 200)


@bp.route("/groups/<slug>/activities/<int:activity_id>/remove", methods=["GET", "POST"])
@login_required
def remove_activity(slug: str, activity_id: int):
    group = services.visible_group_or_404(slug)
    require("group.edit", group)
    activity = services.own_activity_or_404(group, activity_id)
    back = url_for("groups.show", slug=group.slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(
            form, heading=_("Remove the activity %(title)s?", title=activity.title), back=back,
            consequence=_("It disappears from this group's page, from the pages of the groups "
                          "taking part and from the network view."),
            button=_("Remove the activity"))
    services.remove_activity(activity, current_user)
    flash(_("The activity has been removed."), "success")
    return redirect(back)


# Staff ------------------------------------------------------------------------------------------

def _scope_areas():
    scope = staff_scope(current_user)
    return None if scope == EVERY_AREA else tuple(scope or ())


@bp.get("/staff/groups/requests")
@permission_required("group.manage")
def requests():
    return render_template("groups/requests.html",
                           rows=services.pending_requests(_scope_areas()), form=DecisionForm())


@bp.post("/staff/groups/requests/<int:membership_id>")
@permission_required("group.manage")
def decide(membership_id: int):
    row = db.session.get(GroupMembership, membership_id) or abort(404)
    require("group.manage", row.group)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_template("groups/requests.html", form=form,
                               rows=services.pending_requests(_scope_areas())), 422
    if row.state != "requested":
        flash(_("Nothing was changed: the request has already been decided."), "error")
        return redirect(url_for("groups.requests"))
    services.decide(row, form.decision.data, current_user)
    flash(_("The decision has been saved."), "success")
    return redirect(url_for("groups.requests"))


@bp.route("/staff/groups/admins/<int:membership_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(membership_id: int):
    row = db.session.get(GroupMembership, membership_id) or abort(404)
    require("group.manage", row.group)
    back = url_for("groups.show", slug=row.group.slug)
    if row.state != "confirmed":
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(
            form, heading=_("Remove %(name)s as an admin of %(group)s?",
                            name=row.user.display_name, group=row.group.name), back=back,
            consequence=_("They can no longer edit the group or add its activities. They may "
                          "ask again."), button=_("Remove the admin"))
    services.revoke(row, current_user)
    flash(_("The admin has been removed."), "success")
    return redirect(back)


@bp.route("/staff/groups/<slug>/projects", methods=["GET", "POST"])
@login_required
def projects(slug: str):
    from civic.proposals.models import Proposal

    group = services.visible_group_or_404(slug)
    require("group.manage", group)
    form = ProjectForm()
    form.proposal.choices = [(proposal.id, proposal.title) for proposal in db.session.scalars(
        select(Proposal).where(Proposal.state == "accepted").order_by(Proposal.title))]
    if form.validate_on_submit():
        services.link_project(group, db.session.get(Proposal, form.proposal.data),
                              form.role.data or "", current_user)
        flash(_("The joint project has been added to the group."), "success")
        return redirect(url_for("groups.show", slug=group.slug))
    return render_template("groups/projects.html", form=form, group=group,
                           linked=services.projects(group)), (422 if form.errors else 200)


NETWORK_SIZE, NETWORK_MARGIN = 640, 150


@bp.get("/staff/groups/network")
@permission_required("group.manage")
@read_only
def network_view():
    theme = request.args.get("theme") if request.args.get("theme") in THEMES else None
    area_id = request.args.get("area", type=db_int) or None
    statement = select(Group).order_by(Group.area_id, Group.kind, Group.name)
    if theme:
        statement = statement.where(Group.id.in_(
            select(GroupTheme.group_id).where(GroupTheme.theme == theme)))
    if area_id:
        statement = statement.where(Group.area_id == area_id)
    groups = {group.id: group for group in db.session.scalars(statement)}
    project_members: dict[int, list[int]] = {}
    for group_id, proposal_id in db.session.execute(
            select(GroupProject.group_id, GroupProject.proposal_id)
            .where(GroupProject.group_id.in_(groups))):
        project_members.setdefault(proposal_id, []).append(group_id)
    activity_members: dict[int, list[int]] = {}
    hosts = select(GroupActivity.id, GroupActivity.group_id)
    partners = select(GroupActivityPartner.activity_id, GroupActivityPartner.group_id)
    for activity_id, group_id in db.session.execute(hosts.union_all(partners)):
        if group_id in groups:
            activity_members.setdefault(activity_id, []).append(group_id)
    found = network.links(project_members, activity_members)
    connected = [group_id for group_id in groups if group_id in network.degrees(found)]
    positions = network.circular_layout(connected, NETWORK_SIZE, NETWORK_MARGIN)
    areas = spaces.areas()
    return render_template(
        "groups/network.html", groups=groups, links=found, positions=positions,
        degrees=network.degrees(found), size=NETWORK_SIZE, anchor=network.label_anchor,
        theme=theme, area_id=area_id, areas=areas,
        area_names={area.id: area.name for area in areas})
