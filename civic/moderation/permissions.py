"""Reporting is for everyone signed in; deciding is for moderators."""

from civic.accounts.permissions import has_role, rule, signed_in

rule("content.report")(lambda user, obj: signed_in(user)
                       and getattr(obj, "author_id", None) != user.id)
rule("moderation.manage")(lambda user, _obj: has_role(user, "moderator"))
