"""Who may offer, post needs and answer: a group's needs are run like its meetings."""

from civic.accounts.permissions import rule, signed_in
from civic.meetings.permissions import runs_group

rule("matching.offer")(lambda user, _obj: signed_in(user))
# obj: the group.
rule("matching.post_need")(lambda user, group: signed_in(user) and runs_group(user, group))
# obj: the need; the group's side: who accepted, confirming them, inviting people who fit.
rule("matching.run_need")(lambda user, need: signed_in(user) and runs_group(user, need.group))
rule("matching.view_need")(lambda user, need: need.group.published and need.state == "open"
                           or signed_in(user) and runs_group(user, need.group))
