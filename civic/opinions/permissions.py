"""Who may vote in, write to, read the map of, and run opinion-map conversations."""

from civic.accounts.permissions import can, rule, signed_in
from civic.opinions import services
from civic.spaces.permissions import acts_for
from civic.timeutil import ward_today


def _may_view(user, conversation) -> bool:
    return can("process.view", conversation.process, user=user)


def _may_vote(user, conversation) -> bool:
    return _may_view(user, conversation) and services.vote_problem(
        user, conversation, ward_today()) is None


def _may_write(user, conversation) -> bool:
    return (conversation.participants_write and _may_vote(user, conversation)
            and (signed_in(user) or services.guests_may_write(conversation)))


def _may_see_map(user, conversation) -> bool:
    return _may_view(user, conversation) and (conversation.map_public
                                              or acts_for(user, conversation.process))


rule("opinions.create")(acts_for)  # obj: the process
rule("opinions.manage")(lambda user, conversation: acts_for(user, conversation.process))
rule("opinions.view")(_may_view)
rule("opinions.vote")(_may_vote)
rule("opinions.write")(_may_write)
rule("opinions.map")(_may_see_map)
