"""Themes are a staff tool: only staff (and admins, who pass every role) read and edit them.

An analysis of a process (or of a café, through its process) is its process's staff's alone;
one of imported files only is every staff member's.
"""

from civic.accounts.permissions import has_role, rule
from civic.spaces.permissions import acts_for


def _may_manage(user, obj) -> bool:
    """obj: None (the staff tool at all), a process, an analysis or a café."""
    process = getattr(obj, "process", obj)
    return has_role(user, "staff") if process is None else acts_for(user, process)


rule("themes.manage")(_may_manage)
