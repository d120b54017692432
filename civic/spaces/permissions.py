"""Who may see and run participatory processes.

Running a process (its settings, proposals, budgets, themes) follows the staff scope of
``civic.accounts.permissions``: 地域担当職員 run the processes of their own areas only.
"""

from civic.accounts.permissions import EVERY_AREA, acts_for_area, has_role, rule, staff_scope


def acts_for(user, process) -> bool:
    """Staff who run ``process``: every package's staff rules on a process ask this."""
    return acts_for_area(user, process.area_id)


rule("process.view")(lambda user, process: process.published or acts_for(user, process))
# Staff pages at all (the staff home, a new process for one of their areas).
rule("process.create")(lambda user, _obj: has_role(user, "staff"))
rule("process.manage")(acts_for)
# Areas are the ward's own division: only city-wide staff add them.
rule("area.manage")(lambda user, _area: staff_scope(user) == EVERY_AREA)
