"""Every project's result in a sentence, with its numbers, for the results page."""

from dataclasses import dataclass

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
        return _("Funded in round %(round)d of Equal Shares: its %(votes)d supporters could pay "
                 "its cost of %(cost)s from their shares, each paying at most %(pay)s.",
                 round=d.get("round", 0), votes=result["votes"], cost=cost,
                 pay=m(d.get("max_payment")))
    if reason == "added_by_completion":
        return _("Funded when the completion step raised every voter's share to %(share)s: then "
                 "its %(votes)d supporters could pay its cost of %(cost)s.",
                 share=m(d.get("per_voter_budget_needed")), votes=result["votes"], cost=cost)
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
            return _("Not funded: in round %(round)d its %(votes)d supporters had only %(money)s "
                     "of their shares left, less than its cost of %(cost)s.",
                     round=d.get("round", 0), votes=result["votes"], money=m(d["supporters_money"]),
                     cost=cost)
        return _("Not funded: its supporters' shares were spent on projects they preferred before "
                 "it could be paid for (cost %(cost)s).", cost=cost)
    return reason
