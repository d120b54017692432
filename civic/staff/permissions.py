"""The staff home and the figures are for staff; what they show is scoped by
``spaces.services.handled_processes``."""

from civic.accounts.permissions import has_role, rule

rule("staff.inbox")(lambda user, _obj: has_role(user, "staff"))
rule("staff.participation")(lambda user, _process: has_role(user, "staff"))
