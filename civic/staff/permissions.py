"""The staff home and the figures are for staff; what they show is scoped by
``spaces.services.handled_processes``, which follows the same staff scope as ``acts_for``."""

from civic.accounts.permissions import has_role, rule
from civic.spaces.permissions import acts_for

rule("staff.inbox")(lambda user, _obj: has_role(user, "staff"))
rule("staff.participation")(acts_for)  # the staff who run the process (docs/security.md)
