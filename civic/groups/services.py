"""Saving groups, admin requests and their confirmation, activities and joint projects."""

import re
import secrets
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app
from sqlalchemy import select

from civic.accounts.permissions import can
from civic.audit.services import record
from civic.extensions import db
from civic.groups.models import (
    THEMES,
    Group,
    GroupActivity,
    GroupActivityPartner,
    GroupMembership,
    GroupPlace,
    GroupProject,
    GroupTheme,
)
from civic.timeutil import utcnow

GROUP_FIELDS = ("name", "kind", "summary", "description", "meets", "how_to_join",
                "member_count", "contact_name", "contact_email", "contact_phone", "contact_url",
                "contact_visibility", "published")


def visible_group_or_404(slug: str) -> Group:
    """The group at ``slug`` if the current person may see it: an unpublished group is "not
    found" to others (not forbidden), so that its existence does not leak."""
    group = db.session.scalar(select(Group).where(Group.slug == slug))
    if group is None or not can("group.view", group):
        abort(404)
    return group


def ward_to_utc(moment: datetime) -> datetime:
    """A time typed on the ward's clock as the naive UTC every timestamp column stores."""
    zone = ZoneInfo(current_app.config["CIVIC_TIMEZONE"])
    return moment.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def directory(area_id: int | None = None, kind: str | None = None,
              theme: str | None = None) -> list[Group]:
    statement = select(Group).where(Group.published.is_(True)).order_by(Group.area_id,
                                                                        Group.name)
    if area_id:
        statement = statement.where(Group.area_id == area_id)
    if kind:
        statement = statement.where(Group.kind == kind)
    if theme in THEMES:
        statement = statement.where(Group.id.in_(
            select(GroupTheme.group_id).where(GroupTheme.theme == theme)))
    return list(db.session.scalars(statement))


def _unique_slug(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "group"
    slug = base
    while db.session.scalar(select(Group.id).where(Group.slug == slug)) is not None:
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def slug_taken(slug: str, group: Group) -> bool:
    found = db.session.scalar(select(Group.id).where(Group.slug == slug))
    return found is not None and found != group.id


def save_group(group: Group, data: dict, actor, *, staff: bool) -> Group:
    """``staff``: the area and the web address are staff's to set; an admin edits the rest."""
    created = group.id is None
    for name in GROUP_FIELDS:
        value = data[name]
        setattr(group, name, value.strip() if isinstance(value, str) else value)
    if staff:
        group.area_id = data["area"]
        group.slug = data.get("slug") or group.slug or _unique_slug(group.name)
    if created:
        group.created_by_id = actor.id
        db.session.add(group)
    group.theme_rows = [row for row in group.theme_rows if row.theme in data["themes"]] + [
        GroupTheme(theme=theme) for theme in data["themes"] if theme not in group.themes]
    wanted = set(data["places"])
    group.place_rows = [row for row in group.place_rows if row.place_id in wanted] + [
        GroupPlace(place_id=place_id) for place_id in sorted(
            wanted - {row.place_id for row in group.place_rows})]
    db.session.flush()
    record(actor, "group.created" if created else "group.updated", group, name=group.name)
    db.session.commit()
    return group


def membership(group: Group, user) -> GroupMembership | None:
    return db.session.scalar(select(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.user_id == user.id))


def request_admin(group: Group, user, message: str) -> GroupMembership:
    """Ask (again) to be the group's admin; a confirmed admin stays confirmed."""
    row = membership(group, user)
    if row is None:
        row = GroupMembership(group_id=group.id, user_id=user.id)
        db.session.add(row)
    elif row.state == "confirmed" and row.role == "admin":
        return row
    row.role, row.state, row.message = "admin", "requested", message.strip()
    row.requested_at, row.decided_at, row.decided_by_id = utcnow(), None, None
    db.session.commit()
    return row


def pending_requests(area_ids) -> list[GroupMembership]:
    """Requests waiting for staff; ``area_ids``: the staff member's areas, or None for all."""
    statement = (select(GroupMembership).join(Group, Group.id == GroupMembership.group_id)
                 .where(GroupMembership.state == "requested")
                 .order_by(GroupMembership.requested_at))
    if area_ids is not None:
        statement = statement.where(Group.area_id.in_(area_ids))
    return list(db.session.scalars(statement))


def decide(row: GroupMembership, decision: str, actor) -> None:
    if decision not in ("confirmed", "declined"):
        raise ValueError(decision)
    row.state, row.decided_at, row.decided_by_id = decision, utcnow(), actor.id
    record(actor, f"group.admin_{decision}", row.group, user_id=row.user_id,
           membership_id=row.id)
    db.session.commit()


def revoke(row: GroupMembership, actor) -> None:
    row.state, row.decided_at, row.decided_by_id = "revoked", utcnow(), actor.id
    record(actor, "group.admin_revoked", row.group, user_id=row.user_id, membership_id=row.id)
    db.session.commit()


def admins(group: Group) -> list[GroupMembership]:
    return list(db.session.scalars(select(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.state == "confirmed",
        GroupMembership.role == "admin")))


def save_activity(group: Group, data: dict, actor,
                  activity: GroupActivity | None = None) -> GroupActivity:
    """A new activity of the group, or its changed details (``activity``)."""
    added = activity is None
    if added:
        activity = GroupActivity(group_id=group.id, created_by_id=actor.id)
        db.session.add(activity)
    activity.title = data["title"].strip()
    activity.description = data["description"] or ""
    activity.starts_at = ward_to_utc(data["starts_at"])
    activity.ends_at = ward_to_utc(data["ends_at"]) if data.get("ends_at") else None
    activity.place_id = data.get("place") or None
    activity.location = (data.get("location") or "").strip()
    wanted = {partner for partner in data.get("partners") or () if partner != group.id}
    activity.partner_rows = [row for row in activity.partner_rows if row.group_id in wanted] + [
        GroupActivityPartner(group_id=partner) for partner in sorted(
            wanted - {row.group_id for row in activity.partner_rows})]
    db.session.flush()
    record(actor, "group.activity_added" if added else "group.activity_changed", group,
           activity_id=activity.id)
    db.session.commit()
    return activity


def remove_activity(activity: GroupActivity, actor) -> None:
    # The title goes into the audit log: after the delete nothing else says what was removed.
    record(actor, "group.activity_removed", activity.group, activity_id=activity.id,
           title=activity.title)
    db.session.delete(activity)
    db.session.commit()


def own_activity_or_404(group: Group, activity_id: int) -> GroupActivity:
    """An activity the group itself holds: partners see it listed but do not edit it."""
    activity = db.session.get(GroupActivity, activity_id)
    if activity is None or activity.group_id != group.id:
        abort(404)
    return activity


def activities(group: Group) -> list[GroupActivity]:
    """The group's own activities and those it takes part in, newest first."""
    shared = select(GroupActivityPartner.activity_id).where(
        GroupActivityPartner.group_id == group.id)
    return list(db.session.scalars(
        select(GroupActivity).where((GroupActivity.group_id == group.id)
                                    | GroupActivity.id.in_(shared))
        .order_by(GroupActivity.starts_at.desc()).limit(100)))


def projects(group: Group) -> list[GroupProject]:
    return list(db.session.scalars(select(GroupProject).where(GroupProject.group_id == group.id)
                                   .order_by(GroupProject.created_at)))


def link_project(group: Group, proposal, role: str, actor) -> GroupProject:
    if proposal.state != "accepted":
        raise ValueError("only accepted proposals are joint projects")
    row = db.session.scalar(select(GroupProject).where(GroupProject.group_id == group.id,
                                                       GroupProject.proposal_id == proposal.id))
    if row is None:
        row = GroupProject(group_id=group.id, proposal_id=proposal.id, created_by_id=actor.id)
        db.session.add(row)
    row.role = role.strip()
    db.session.flush()
    record(actor, "group.project_linked", group, proposal_id=proposal.id)
    db.session.commit()
    return row
