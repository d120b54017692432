"""Who may create and run world cafés."""

from civic.accounts.permissions import has_role, rule, signed_in
from civic.cafe.services import is_facilitator

# obj: the process the café belongs to.
rule("cafe.create")(lambda user, _process: has_role(user, "facilitator", "staff"))
# Only the café's own facilitators (its creator or someone linked to it) and admins run it.
rule("cafe.run")(lambda user, cafe: signed_in(user) and (
    user.has_role("admin") or is_facilitator(user, cafe)))
# Deleting takes everything written at the café with it: the same people as running it.
rule("cafe.delete")(lambda user, cafe: signed_in(user) and (
    user.has_role("admin") or is_facilitator(user, cafe)))
rule("cafe.harvest")(lambda user, cafe: signed_in(user) and (
    user.has_role("staff") or is_facilitator(user, cafe)))
