"""Who may comment, edit, delete and vote. Whether a target takes comments is the target's rule."""

from civic.accounts.permissions import has_role, rule, signed_in
from civic.comments import services
from civic.moderation.services import is_blocked


def _may_comment(user, target) -> bool:
    entry, obj = target
    return (signed_in(user) and not is_blocked(user) and entry is not None and obj is not None
            and entry.can_comment(user, obj))


def _own(user, comment) -> bool:
    return signed_in(user) and comment.author_id == user.id


def _may_read(user, comment) -> bool:
    """May the person read the comment's text: on a target they see, neither deleted nor hidden
    by moderation (which leaves it to its author and the moderators)."""
    if comment.is_deleted:
        return False
    entry, obj = services.load_target(comment.target_type, comment.target_id)
    if obj is None or not entry.can_view(user, obj):
        return False
    return not comment.is_hidden or _own(user, comment) or has_role(user, "moderator")


rule("comment.create")(_may_comment)
rule("comment.view")(_may_read)
rule("comment.edit")(lambda user, c: _own(user, c) and not is_blocked(user)
                     and services.still_editable(c))
rule("comment.delete")(lambda user, c: _own(user, c) and not c.is_deleted)
rule("comment.vote")(lambda user, c: signed_in(user) and not is_blocked(user)
                     and c.author_id != user.id and not c.is_deleted and not c.is_hidden)
