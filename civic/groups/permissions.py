"""Who may see and run local groups.

Staff act for the groups of their areas (``acts_for_area``): they add groups, confirm or decline
the residents who ask to be a group's admin, and tie groups to joint projects. A confirmed admin
edits their own group and adds its activities. Contact details follow the group's own setting.
"""

from sqlalchemy import select

from civic.accounts.permissions import acts_for_area, has_role, rule, signed_in
from civic.extensions import db


def is_group_admin(user, group) -> bool:
    if not signed_in(user) or group is None:
        return False
    from civic.groups.models import GroupMembership

    return db.session.scalar(select(GroupMembership.id).where(
        GroupMembership.group_id == group.id, GroupMembership.user_id == user.id,
        GroupMembership.role == "admin", GroupMembership.state == "confirmed")) is not None


def runs(user, group) -> bool:
    """Staff of the group's area."""
    return acts_for_area(user, group.area_id)


def _contact_visible(user, group) -> bool:
    visibility = group.contact_visibility
    if visibility == "public":
        return True
    if visibility == "signed_in" and signed_in(user):
        return True
    if visibility == "verified" and signed_in(user) and user.verified_area_id() is not None:
        return True
    return runs(user, group) or is_group_admin(user, group)


rule("group.view")(lambda user, group: group.published or runs(user, group)
                   or is_group_admin(user, group))
rule("group.edit")(lambda user, group: runs(user, group) or is_group_admin(user, group))
rule("group.contact")(_contact_visible)
# obj: a Group, or None for the staff pages at all (a new group, the requests, the network).
rule("group.manage")(lambda user, group: has_role(user, "staff") if group is None
                     else runs(user, group))
rule("group.request_admin")(lambda user, group: signed_in(user) and group.published)
