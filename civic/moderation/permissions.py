"""Reporting is for everyone signed in who can see the content; deciding is for moderators."""

from civic.accounts.permissions import has_role, rule, signed_in
from civic.moderation import services


def _may_report(user, obj) -> bool:
    entry = services.target_of(obj)
    return (signed_in(user) and entry is not None and obj.author_id != user.id
            and entry.can_view(user, obj))


rule("content.report")(_may_report)
rule("moderation.manage")(lambda user, _obj: has_role(user, "moderator"))
