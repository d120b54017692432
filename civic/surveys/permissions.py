"""Who may run surveys, answer them and read their results.

Running a survey follows the staff scope (docs/security.md): the staff of its area (its
process's, or its own for a standalone survey), city-wide staff for city-wide surveys.
"""

from civic.accounts.permissions import acts_for_area, has_role, rule


def _manages(user, survey) -> bool:
    return acts_for_area(user, survey.area_id)


def _visible(user, survey) -> bool:
    if _manages(user, survey):
        return True
    if survey.state == "draft":
        return False
    return survey.process is None or survey.process.published


rule("survey.create")(lambda user, _obj: has_role(user, "staff"))
rule("survey.manage")(_manages)
rule("survey.view")(_visible)
rule("survey.results")(lambda user, survey: _manages(user, survey) or (
    survey.results_public and _visible(user, survey)))
