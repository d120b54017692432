"""Who may read a public comment, send an opinion, and run it.

Running one (the draft, paper opinions, review, grouping, the answer) follows the staff scope of
the process it belongs to (``spaces.permissions.acts_for``).
"""

from civic.accounts.permissions import rule, signed_in
from civic.consultations.services import is_open, review_started
from civic.moderation.services import is_blocked
from civic.spaces.permissions import acts_for
from civic.timeutil import ward_today


def _staff(user, consultation) -> bool:
    return acts_for(user, consultation.process)


def _public(consultation) -> bool:
    return consultation.published and consultation.process.published


def may_send(user, consultation) -> bool:
    """Who the consultation takes opinions from: anyone, signed-in people, or verified
    residents of the process's area (any verified resident for a city-wide process)."""
    if consultation.who == "anyone":
        return not is_blocked(user)
    if not signed_in(user) or is_blocked(user):
        return False
    if consultation.who == "signed_in":
        return True
    area_id = consultation.process.area_id
    return user.residency is not None and (area_id is None or user.residency.area_id == area_id)


rule("consultation.view")(lambda user, c: _public(c) or _staff(user, c))
rule("consultation.submit")(lambda user, c: _public(c) and is_open(c, ward_today())
                            and may_send(user, c))
# obj: the process a new consultation goes in.
rule("consultation.create")(acts_for)
rule("consultation.manage")(_staff)
# Opinions are not public before the deadline; staff review them after it.
rule("consultation.review")(lambda user, c: _staff(user, c) and review_started(c, ward_today()))
rule("consultation.see_result")(lambda user, c: c.result is not None and (
    _public(c) or _staff(user, c)))
