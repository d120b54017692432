"""Who may create and run world cafés."""

from civic.accounts.permissions import can, has_role, rule, signed_in
from civic.cafe.services import is_facilitator
from civic.spaces.permissions import acts_for

# obj: the process the café belongs to; staff only in the processes they run.
rule("cafe.create")(lambda user, process: has_role(user, "facilitator")
                    or acts_for(user, process))
# Only the café's own facilitators (its creator or someone linked to it) and admins run it.
rule("cafe.run")(lambda user, cafe: signed_in(user) and (
    user.has_role("admin") or is_facilitator(user, cafe)))
# Deleting takes everything written at the café with it: the same people as running it.
rule("cafe.delete")(lambda user, cafe: signed_in(user) and (
    user.has_role("admin") or is_facilitator(user, cafe)))


def _harvests(user, cafe) -> bool:
    return signed_in(user) and (acts_for(user, cafe.process) or is_facilitator(user, cafe))


rule("cafe.harvest")(_harvests)
# Publishing makes the notes public: the same people who read the whole harvest decide it.
rule("cafe.publish")(_harvests)
# The public harvest page: everyone who may see the process once the harvest is published;
# before that, those who may publish it (a preview of exactly what would become public).
rule("cafe.read_harvest")(lambda user, cafe: (
    cafe.harvest_published_at is not None and can("process.view", cafe.process, user=user))
    or can("cafe.publish", cafe, user=user))
