"""Who may see, sign up for and run meetings.

A process's meeting is run by the staff who run the process; a group's by the group's confirmed
admins and the staff of the group's area.
"""

from civic.accounts.permissions import acts_for_area, rule, signed_in
from civic.groups.permissions import is_group_admin


def runs_group(user, group) -> bool:
    return acts_for_area(user, group.area_id) or is_group_admin(user, group)


def _runs(user, meeting) -> bool:
    if meeting.process is not None:
        from civic.spaces.permissions import acts_for

        return acts_for(user, meeting.process)
    return runs_group(user, meeting.group)


def _sees(user, meeting) -> bool:
    if _runs(user, meeting):
        return True
    if not meeting.published:
        return False
    if meeting.process is not None:
        return meeting.process.published
    return meeting.group.published


rule("meeting.view")(_sees)
rule("meeting.run")(_runs)
rule("meeting.sign_up")(lambda user, meeting: signed_in(user) and _sees(user, meeting))
# obj: the process or the group the new meeting belongs to.
rule("meeting.create_for_process")(
    lambda user, process: signed_in(user) and acts_for_area(user, process.area_id))
rule("meeting.create_for_group")(lambda user, group: signed_in(user) and runs_group(user, group))
