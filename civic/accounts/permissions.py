"""Who may do what: every package declares its rules here once, and every check goes through ``can``.

A rule is a function ``(user, obj) -> bool`` registered under a dotted action name. Views use
``permission_required`` or ``require``; templates use ``can``.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from civic.extensions import login_manager

Rule = Callable[[object, object], bool]
_rules: dict[str, Rule] = {}


def rule(action: str):
    def register(fn: Rule) -> Rule:
        if action in _rules:
            raise RuntimeError(f"permission {action!r} declared twice")
        _rules[action] = fn
        return fn

    return register


def signed_in(user) -> bool:
    return bool(user and user.is_authenticated and not user.is_deleted)


def has_role(user, *roles: str) -> bool:
    return signed_in(user) and user.has_role(*roles)


# Staff scope (docs/security.md, "Staff scope"): staff with no area assignment (区民協働課) act for
# the whole ward; 地域担当職員 act only for the areas they are assigned to, city-wide processes
# excluded. Administrators act everywhere.
EVERY_AREA = "every area"


def staff_scope(user) -> str | tuple[int, ...] | None:
    """Where ``user`` acts as staff: ``EVERY_AREA``, the assigned area ids, or None (not staff)."""
    if not has_role(user, "staff"):
        return None
    areas = user.staff_area_ids
    if "admin" in user.roles or not areas:
        return EVERY_AREA
    return tuple(sorted(areas))


def acts_for_area(user, area_id: int | None) -> bool:
    """Does ``user`` act as staff for things of the area (None: the whole city)?"""
    scope = staff_scope(user)
    return scope == EVERY_AREA or (scope is not None and area_id in scope)


def can(action: str, obj=None, user=None) -> bool:
    # The real user object, not the proxy: rules read several attributes, and every read
    # through ``current_user`` looks the user up again (a page asks dozens of times).
    user = current_user._get_current_object() if user is None else user
    try:
        check = _rules[action]
    except KeyError:
        raise LookupError(f"no permission rule for {action!r}") from None
    return bool(check(user, obj))


def require(action: str, obj=None) -> None:
    """Abort the request unless the current user may do ``action`` (401 → sign-in page)."""
    if can(action, obj):
        return
    if not signed_in(current_user):
        abort(login_manager.unauthorized())
    abort(403)


def permission_required(action: str):
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)

        return wrapped

    return decorate


# Accounts' own rules.
rule("account.manage")(lambda user, _obj: signed_in(user))
rule("users.administer")(lambda user, _obj: has_role(user, "admin"))
# obj: the area the codes prove residence in; without one, whether the page is theirs at all.
rule("residency.issue_codes")(lambda user, area: has_role(user, "staff") if area is None
                              else acts_for_area(user, area.id))
