"""Who may set up budgets and see their results early."""

from civic.accounts.permissions import has_role, rule, signed_in
from civic.timeutil import ward_today

# obj: the process (creating) or the budget.
rule("budget.manage")(lambda user, _obj: has_role(user, "staff"))
# obj: a project; comments follow the process's comments_open phases.
rule("budget.comment")(lambda user, project: signed_in(user) and project.budget.process.published
                       and project.budget.process.is_open("comments_open", ward_today()))
