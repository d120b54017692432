"""Who may write, move, support, review and report on proposals."""

from civic.accounts.permissions import has_role, rule, signed_in
from civic.moderation.services import is_blocked
from civic.proposals import lifecycle
from civic.proposals.services import comments_closed
from civic.spaces.permissions import acts_for
from civic.timeutil import ward_today


def _author(user, proposal) -> bool:
    return signed_in(user) and proposal.author_id == user.id


def _staff(user, proposal) -> bool:
    """Staff who run the proposal's process, from its submission on: a draft is its author's
    alone (the new-proposal form promises so)."""
    return proposal.state != "draft" and acts_for(user, proposal.process)


def _can_view(user, proposal) -> bool:
    if _author(user, proposal) or _staff(user, proposal):
        return True
    if proposal.state not in lifecycle.PUBLIC_STATES or not proposal.process.published:
        return False
    return not proposal.is_hidden or has_role(user, "moderator")


def _can_create(user, process) -> bool:
    return (signed_in(user) and not is_blocked(user) and process.published
            and process.is_open("proposals_open", ward_today()))


def _can_step(user, target) -> bool:
    proposal, name = target
    staff = _staff(user, proposal)
    if not signed_in(user) or (is_blocked(user) and not staff):
        return False
    return lifecycle.allowed(name, proposal.state, is_author=_author(user, proposal),
                             is_staff=staff)


def _lives_there(user, process) -> bool:
    return user.residency is not None and (process.area_id is None
                                           or user.residency.area_id == process.area_id)


def _can_support(user, proposal) -> bool:
    """Open to verified residents (of the process's area); views explain what is missing."""
    return (signed_in(user) and not is_blocked(user) and proposal.state == "published"
            and not proposal.is_hidden and _lives_there(user, proposal.process)
            and proposal.process.is_open("supports_open", ward_today()))


rule("proposal.view")(_can_view)
rule("proposal.create")(_can_create)
rule("proposal.edit")(lambda user, p: _author(user, p) and not is_blocked(user)
                      and p.state in lifecycle.EDITABLE_STATES)
rule("proposal.step")(_can_step)
rule("proposal.support")(_can_support)
rule("proposal.supports_open")(lambda user, p: p.state == "published"
                               and p.process.is_open("supports_open", ward_today()))
rule("proposal.consult")(lambda user, p: (_author(user, p) or _staff(user, p))
                         and p.state != "draft")
rule("proposal.review")(lambda user, p: _staff(user, p) and p.state == "evaluation")
rule("proposal.see_reviews")(_staff)
rule("proposal.report_progress")(lambda user, p: (_author(user, p) or _staff(user, p))
                                 and p.state in lifecycle.ACCOUNTABLE_STATES
                                 and p.state != "completed")
rule("proposals.manage")(acts_for)


def _takes_comments(_user, proposal) -> bool:
    """The one place that says whether a proposal's discussion is open."""
    if proposal.state not in lifecycle.PUBLIC_STATES or proposal.is_hidden:
        return False
    if not proposal.process.is_open("comments_open", ward_today()):
        return False
    return not comments_closed(proposal)


rule("proposal.comment")(_takes_comments)
