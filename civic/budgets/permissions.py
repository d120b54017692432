"""Who may set up budgets and see their results early."""

from civic.accounts.permissions import rule, signed_in
from civic.spaces.permissions import acts_for
from civic.timeutil import ward_today

# obj: the process (creating) or the budget; the staff who run its process.
rule("budget.manage")(lambda user, obj: acts_for(user, getattr(obj, "process", obj)))
# obj: a project; comments follow the process's comments_open phases.
rule("budget.comment")(lambda user, project: signed_in(user) and project.budget.process.published
                       and project.budget.process.is_open("comments_open", ward_today()))
