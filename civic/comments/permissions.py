"""Who may comment, edit, delete and vote. Whether a target takes comments is the target's rule."""

from civic.accounts.permissions import rule, signed_in
from civic.comments import services
from civic.moderation.services import is_blocked


def _may_comment(user, target) -> bool:
    entry, obj = target
    return (signed_in(user) and not is_blocked(user) and entry is not None and obj is not None
            and entry.can_comment(user, obj))


def _own(user, comment) -> bool:
    return signed_in(user) and comment.author_id == user.id


rule("comment.create")(_may_comment)
rule("comment.edit")(lambda user, c: _own(user, c) and not is_blocked(user)
                     and services.still_editable(c))
rule("comment.delete")(lambda user, c: _own(user, c) and not c.is_deleted)
rule("comment.vote")(lambda user, c: signed_in(user) and not is_blocked(user)
                     and c.author_id != user.id and not c.is_deleted and not c.is_hidden)
