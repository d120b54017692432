"""Every project's result in a sentence, with its numbers, for the results page.

Amounts of Equal Shares are fractions of a yen inside the count. A sentence rounds them so that
it stays true and adds up: what supporters had is rounded down, what they lacked up (so the two
add up to the cost), and "each paid at most" up.
"""

import math
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from civic.budgets.services import money

RULE_NAMES = {
    "greedy": _l("Greedy (most votes first, skipping what does not fit)"),
    "greedy-no-skip": _l("Greedy without skipping (stops at the first project that does not fit)"),
    "greedy-threshold": _l("Greedy with a minimum score"),
    "equalshares": _l("Method of Equal Shares"),
    "equalshares/add1": _l("Method of Equal Shares with Add1 completion"),
    "equalshares/add1-comparison": _l("Method of Equal Shares with Add1 completion, compared "
                                      "with greedy"),
}


# How a tie was decided (rules.TIE_CRITERIA, and "explicit_order" for a priority list).
DECIDED_BY = {
    "min_cost": _l("the lower cost came first"),
    "max_cost": _l("the higher cost came first"),
    "max_votes": _l("the one with more voters came first"),
    "min_votes": _l("the one with fewer voters came first"),
    "max_score": _l("the higher score came first"),
    "id": _l("the lower project number came first"),
    "file_order": _l("the one listed first came first"),
    "explicit_order": _l("the budget's priority list decided"),
}


@dataclass
class Row:
    result: dict
    project: object  # BudgetProject or None
    sentence: str


def rule_name(rule: str) -> str:
    return str(RULE_NAMES.get(rule, rule))


def _score(value) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return f"{value:,}"


def sentence(result: dict, outcome: dict, budget) -> str:
    """Why ``result``'s project was or was not funded, in the page's language."""
    d = result.get("details") or {}
    cur = budget.currency

    def m(value) -> str:
        return money(round(value or 0), cur)

    def down(value) -> str:
        return money(math.floor((value or 0) + 1e-6), cur)

    def up(value) -> str:
        return money(math.ceil((value or 0) - 1e-6), cur)

    reason = result["reason"]
    cost = m(result["cost"])
    if reason == "funded" and "remaining_before" in d:
        return _("Funded: with a score of %(score)s it was next in line, and its cost of %(cost)s "
                 "fitted into the %(before)s still left (%(after)s left after it).",
                 score=_score(result["score"]), cost=cost, before=m(d["remaining_before"]),
                 after=m(d["remaining_after"]))
    if reason in ("funded", "added_by_completion") and d.get("zero_cost"):
        return _("Funded: it costs nothing and has supporters.")
    if reason == "funded":
        return _("Funded: every voter has an equal share of the budget. The %(votes)d people who "
                 "voted for it paid its cost of %(cost)s together from their shares, each at most "
                 "%(pay)s.", votes=result["votes"], cost=cost, pay=up(d.get("max_payment")))
    if reason == "added_by_completion":
        return _("Funded: so that more of the budget is used, every voter's share was raised to "
                 "%(share)s. Then the %(votes)d people who voted for it could pay its cost of "
                 "%(cost)s together.", share=down(d.get("per_voter_budget_needed")),
                 votes=result["votes"], cost=cost)
    if reason == "comparison_chose_greedy":
        comparison = outcome["details"].get("comparison", {})
        return _("Funded because the comparison step chose the greedy result (%(greedy)d voters "
                 "preferred it, %(mes)d preferred Equal Shares); its cost of %(cost)s fitted into "
                 "the %(before)s still left.", greedy=comparison.get("prefers_greedy", 0),
                 mes=comparison.get("prefers_mes", 0), cost=cost, before=m(d.get("remaining_before")))
    if reason == "skipped_does_not_fit":
        return _("Not funded: it costs %(cost)s, but only %(left)s was left when its turn came "
                 "(%(short)s short).", cost=cost, left=m(d.get("remaining_budget")),
                 short=m(d.get("shortfall")))
    if reason == "stopped_no_skip" and d.get("does_not_fit"):
        return _("Not funded: it costs %(cost)s, but only %(left)s was left, and this rule stops "
                 "at the first project that does not fit.", cost=cost,
                 left=m(d.get("remaining_budget")))
    if reason == "stopped_no_skip":
        return _("Not funded: counting stopped before its turn, at project %(stopped)s, which had "
                 "a higher score and did not fit into the %(left)s left.",
                 stopped=d.get("stopped_at", ""), left=m(d.get("remaining_budget")))
    if reason == "below_threshold":
        return _("Not funded: its score of %(score)s is below the minimum score of %(threshold)s.",
                 score=_score(result["score"]), threshold=_score(d.get("threshold", 0)))
    if reason == "no_votes":
        return _("Not funded: nobody voted for it.")
    if reason == "mes_not_affordable":
        if "supporters_money" in d:
            # at least 1: the supporters had less than the cost, however little less
            lacking = max(1, math.ceil(result["cost"] - d["supporters_money"] - 1e-6))
            return _("Not funded: every voter has an equal share of the budget (%(share)s). After "
                     "paying for the projects funded before it, the %(votes)d people who voted for "
                     "it had %(money)s of their shares left together: %(short)s less than its cost "
                     "of %(cost)s.", share=down(outcome["details"].get("per_voter_budget")),
                     votes=result["votes"], money=money(round(result["cost"]) - lacking, cur),
                     short=money(lacking, cur), cost=cost)
        return _("Not funded: its supporters' shares were spent on projects they preferred before "
                 "it could be paid for (cost %(cost)s).", cost=cost)
    return reason


def ties(outcome: dict, projects: dict) -> list[str]:
    """One sentence per tie the rule had to break, naming the projects (``projects``: by code)."""
    locale = str(get_locale() or "ja")

    def name(code: str) -> str:
        project = projects.get(code)
        return _("“%(title)s”", title=project.title if project else code)

    out = []
    for tie in outcome["details"].get("ties", []):
        tied = format_list([name(code) for code in tie["projects"]], locale=locale)
        decided = DECIDED_BY.get(tie.get("decided_by"), DECIDED_BY["file_order"])
        if tie["context"].startswith("equal shares"):
            out.append(_("%(projects)s would have cost their voters the same; %(decided)s: "
                         "%(winner)s.", projects=tied, decided=decided, winner=name(tie["winner"])))
        else:
            out.append(_("%(projects)s had the same score; %(decided)s: %(winner)s.",
                         projects=tied, decided=decided, winner=name(tie["winner"])))
    return out
