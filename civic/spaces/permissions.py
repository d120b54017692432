"""Who may see and run participatory processes."""

from civic.accounts.permissions import has_role, rule

rule("process.view")(lambda user, process: process.published or has_role(user, "staff"))
rule("process.manage")(lambda user, _process: has_role(user, "staff"))
rule("area.manage")(lambda user, _area: has_role(user, "staff"))
