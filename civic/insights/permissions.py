"""Themes are a staff tool: only staff (and admins, who pass every role) read and edit them."""

from civic.accounts.permissions import has_role, rule

rule("themes.manage")(lambda user, _obj: has_role(user, "staff"))
