"""The authorisation matrix: every route × every kind of person, against other people's objects.

Each route has a DECLARED expectation below: who may use it (the request goes through: 2xx, a
redirect that is not the sign-in page, or a validation answer such as 422). Everyone else must be
turned away: 403/404, or for an anonymous visitor a redirect to the sign-in page. A route without
a declared expectation fails the suite, so new routes cannot escape the matrix.

The fixture world holds objects owned by ``author`` (a verified resident of area A) and a café
run by ``host`` (a facilitator); the other principals are strangers to those objects, which is
what catches IDOR: a facilitator of another café, a resident verified elsewhere, staff without a
residency. Staff scope (docs/security.md): ``staff`` has no area assignment (区民協働課, the whole
ward), ``staff_a`` is 地域担当職員 of area A (the open process's) and ``staff_b`` of area B, who
runs nothing here. Beside the published objects the world holds private and hidden ones of the
author: a draft, a proposal in 事前相談, a proposal and a comment a moderator hid. POSTs carry
no valid form data unless a case says otherwise; whenever a request got through with a POST the
world is rebuilt, so each case sees the same starting state.
"""

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import event
from werkzeug.security import generate_password_hash

from civic.accounts.models import Residency, User
from civic.extensions import db
from tests.conftest import PASSWORD

ANON, RESIDENT, VERIFIED, VERIFIED_B = "anonymous", "resident", "verified", "verified_b"
FACILITATOR, HOST, STAFF, STAFF_A, STAFF_B, MODERATOR, ADMIN, AUTHOR = (
    "facilitator", "host", "staff", "staff_a", "staff_b", "moderator", "admin", "author")
# A verified resident of area A who has not confirmed the email address yet.
UNCONFIRMED = "unconfirmed"
PRINCIPALS = (ANON, RESIDENT, VERIFIED, VERIFIED_B, FACILITATOR, HOST, STAFF, STAFF_A, STAFF_B,
              MODERATOR, ADMIN, AUTHOR, UNCONFIRMED)
# Roles, residency (verified: area A, the process's area) and staff areas of each principal.
PEOPLE = {
    RESIDENT: ((), None, ()), VERIFIED: ((), "a", ()), VERIFIED_B: ((), "b", ()),
    FACILITATOR: (("facilitator",), None, ()), HOST: (("facilitator",), None, ()),
    STAFF: (("staff",), None, ()), STAFF_A: (("staff",), None, ("a",)),
    STAFF_B: (("staff",), None, ("b",)), MODERATOR: (("moderator",), None, ()),
    ADMIN: (("admin",), None, ()), AUTHOR: ((), "a", ()), UNCONFIRMED: ((), "a", ()),
}
# Until the address is confirmed an account reads what VERIFIED reads but sends only these.
UNCONFIRMED_MAY_POST = frozenset({
    "accounts.login", "accounts.register", "accounts.logout", "accounts.forgot_password",
    "accounts.reset_password", "accounts.profile", "accounts.change_password",
    "accounts.delete_account", "accounts.verify", "accounts.confirm_email",
    "accounts.resend_confirmation", "accounts.login_code", "accounts.two_step",
    "accounts.two_step_off", "accounts.new_recovery_codes", "i18n.switch", "i18n.toggle_furigana",
    "notifications.open_", "notifications.mark_read", "notifications.mark_all_read",
    "notifications.preferences", "budgets.check_receipt",
})

EVERYONE = frozenset(PRINCIPALS)
SIGNED_IN = EVERYONE - {ANON}
# Staff pages at all; the open process (area A) and what belongs to it; the whole ward's.
ANY_STAFF = frozenset({STAFF, STAFF_A, STAFF_B, ADMIN})
STAFF_ONLY = frozenset({STAFF, STAFF_A, ADMIN})
CITY_STAFF = frozenset({STAFF, ADMIN})
MODERATORS = frozenset({MODERATOR, ADMIN})
ADMINS = frozenset({ADMIN})
NOBODY = frozenset()
VOTERS = frozenset({VERIFIED, VERIFIED_B, AUTHOR})


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    allowed: frozenset
    args: dict = field(default_factory=dict)  # values name attributes of the world ("w.x")
    data: dict = field(default_factory=dict)
    rule: str | None = None  # for endpoints with several URL rules
    # Statuses that mean "turned away" on this route, e.g. a ballot page answering 422 with
    # "log in to vote" instead of a redirect; never accepted from someone who is allowed.
    refused: frozenset = frozenset()
    # True when what one person does here cannot change what the next one sees (their own
    # session, language, support or ballot): the world is not rebuilt after it.
    keeps: bool = False


def C(endpoint, method, allowed, rule=None, data=None, refused=(), keeps=False, **args):
    return Case(endpoint, method, frozenset(allowed), args, data or {}, rule, frozenset(refused),
                keeps)


CASES = [
    # Accounts and administration
    C("spaces.home", "GET", EVERYONE),
    C("accounts.register", "GET", EVERYONE), C("accounts.register", "POST", EVERYONE, keeps=True),
    C("accounts.login", "GET", EVERYONE), C("accounts.login", "POST", EVERYONE, keeps=True),
    C("accounts.logout", "POST", SIGNED_IN),
    C("accounts.forgot_password", "GET", EVERYONE),
    C("accounts.forgot_password", "POST", EVERYONE, keeps=True),
    C("accounts.reset_password", "GET", EVERYONE, token="w.bad_token"),
    C("accounts.reset_password", "POST", EVERYONE, token="w.bad_token", keeps=True),
    C("accounts.profile", "GET", SIGNED_IN), C("accounts.profile", "POST", SIGNED_IN, keeps=True),
    C("accounts.change_password", "POST", SIGNED_IN),
    C("accounts.download_data", "GET", SIGNED_IN),
    C("accounts.delete_account", "GET", SIGNED_IN),
    C("accounts.delete_account", "POST", SIGNED_IN, keeps=True),
    C("accounts.verify", "GET", SIGNED_IN), C("accounts.verify", "POST", SIGNED_IN, keeps=True),
    C("accounts.confirm_email", "GET", EVERYONE, token="w.bad_token"),
    C("accounts.confirm_email", "POST", EVERYONE, token="w.bad_token", keeps=True),
    C("accounts.resend_confirmation", "POST", SIGNED_IN, keeps=True),
    # The code step of signing in: anonymous visitors without a right password just before are
    # sent to the sign-in page, people already signed in go home.
    C("accounts.login_code", "GET", SIGNED_IN), C("accounts.login_code", "POST", SIGNED_IN,
                                                  keeps=True),
    C("accounts.two_step", "GET", SIGNED_IN), C("accounts.two_step", "POST", SIGNED_IN, keeps=True),
    C("accounts.two_step_off", "POST", SIGNED_IN, keeps=True),
    C("accounts.new_recovery_codes", "POST", SIGNED_IN, keeps=True),
    C("accounts.issue_codes", "GET", ANY_STAFF), C("accounts.issue_codes", "POST", ANY_STAFF),
    # Codes for area A: only its staff and city-wide staff (staff_b's form refuses the area).
    C("accounts.issue_codes", "POST", STAFF_ONLY, refused={422},
      data={"area": "w.area_a", "count": 1, "kind": "letter", "days": 30}),
    # The batch is of area A: its staff and city-wide staff.
    C("accounts.delete_code_batch", "GET", STAFF_ONLY, batch="w.batch"),
    C("accounts.delete_code_batch", "POST", STAFF_ONLY, batch="w.batch"),
    C("admin.users", "GET", ADMINS),
    C("admin.user_roles", "GET", ADMINS, user_id="w.author"),
    C("admin.user_roles", "POST", ADMINS, user_id="w.author"),
    C("audit.events", "GET", ADMINS),
    C("i18n.switch", "POST", EVERYONE, data={"language": "en"}, keeps=True),
    C("i18n.toggle_furigana", "POST", EVERYONE, keeps=True),
    C("accessibility.statement", "GET", EVERYONE),
    # Areas and processes
    C("spaces.processes", "GET", EVERYONE),
    C("spaces.process", "GET", EVERYONE, slug="w.slug"),
    C("spaces.process", "GET", CITY_STAFF, slug="w.hidden_slug"),  # unpublished, city-wide
    # Staff work: the inbox, and the participation figures of the processes one runs
    C("staff.home", "GET", ANY_STAFF),
    C("staff.participation_page", "GET", STAFF_ONLY, slug="w.slug"),
    C("staff.participation_csv", "GET", STAFF_ONLY, slug="w.slug"),
    C("staff.participation_page", "GET", CITY_STAFF, slug="w.hidden_slug"),
    C("spaces.areas", "GET", CITY_STAFF), C("spaces.areas", "POST", CITY_STAFF),
    C("spaces.new_process", "GET", ANY_STAFF), C("spaces.new_process", "POST", ANY_STAFF),
    C("spaces.edit_process", "GET", CITY_STAFF, slug="w.hidden_slug"),
    C("spaces.edit_process", "GET", STAFF_ONLY, slug="w.slug"),
    C("spaces.edit_process", "POST", STAFF_ONLY, slug="w.slug"),
    C("spaces.pin_phase", "POST", STAFF_ONLY, slug="w.slug"),
    C("spaces.edit_phase", "GET", STAFF_ONLY, rule="/staff/processes/<slug>/phases/new",
      slug="w.slug"),
    C("spaces.edit_phase", "POST", STAFF_ONLY, rule="/staff/processes/<slug>/phases/new",
      slug="w.slug"),
    C("spaces.edit_phase", "GET", STAFF_ONLY, slug="w.slug", phase_id="w.phase"),
    C("spaces.edit_phase", "POST", STAFF_ONLY, slug="w.slug", phase_id="w.phase"),
    C("spaces.delete_phase", "GET", STAFF_ONLY, slug="w.slug", phase_id="w.phase"),
    C("spaces.delete_phase", "POST", STAFF_ONLY, slug="w.slug", phase_id="w.phase"),
    # Proposals: a published one, the author's draft (with an image), one in 事前相談, one a
    # moderator hid, one under review, one accepted
    C("proposals.index", "GET", EVERYONE, slug="w.slug"),
    C("proposals.index", "GET", CITY_STAFF, slug="w.hidden_slug"),
    C("proposals.search", "GET", EVERYONE),
    C("proposals.new", "GET", SIGNED_IN, slug="w.slug"),
    C("proposals.new", "POST", SIGNED_IN, slug="w.slug"),
    C("proposals.new", "GET", NOBODY, slug="w.hidden_slug"),
    C("proposals.show", "GET", EVERYONE, proposal_id="w.published"),
    C("proposals.show", "GET", {AUTHOR}, proposal_id="w.draft"),  # a draft is the author's alone
    C("proposals.show", "GET", {AUTHOR, *STAFF_ONLY}, proposal_id="w.consultation"),
    C("proposals.show", "GET", {AUTHOR, MODERATOR, *STAFF_ONLY}, proposal_id="w.hidden_proposal"),
    C("proposals.edit", "GET", {AUTHOR}, proposal_id="w.draft"),
    C("proposals.edit", "POST", {AUTHOR}, proposal_id="w.draft"),
    C("proposals.edit", "GET", NOBODY, proposal_id="w.published"),
    C("proposals.image", "GET", {AUTHOR}, proposal_id="w.draft"),
    C("proposals.step", "POST", {AUTHOR}, proposal_id="w.published", name="withdraw"),
    C("proposals.step", "POST", STAFF_ONLY, proposal_id="w.published", name="evaluate"),
    C("proposals.step", "POST", NOBODY, proposal_id="w.draft", name="publish"),
    C("proposals.support", "POST", {VERIFIED, AUTHOR}, proposal_id="w.published", keeps=True),
    C("proposals.support", "POST", NOBODY, proposal_id="w.draft"),
    C("proposals.consultation", "GET", {AUTHOR, *STAFF_ONLY}, proposal_id="w.published"),
    C("proposals.consultation", "POST", {AUTHOR, *STAFF_ONLY}, proposal_id="w.published"),
    C("proposals.consultation", "GET", {AUTHOR, *STAFF_ONLY}, proposal_id="w.consultation"),
    C("proposals.consultation", "POST", {AUTHOR, *STAFF_ONLY}, proposal_id="w.consultation"),
    C("proposals.consultation", "GET", NOBODY, proposal_id="w.draft"),
    C("proposals.step", "POST", STAFF_ONLY, proposal_id="w.consultation", name="publish"),
    C("proposals.review", "GET", STAFF_ONLY, proposal_id="w.evaluation"),
    C("proposals.review", "POST", STAFF_ONLY, proposal_id="w.evaluation"),
    C("proposals.review", "GET", NOBODY, proposal_id="w.published"),
    C("proposals.new_update", "GET", {AUTHOR, *STAFF_ONLY}, proposal_id="w.accepted"),
    C("proposals.new_update", "POST", {AUTHOR, *STAFF_ONLY}, proposal_id="w.accepted"),
    C("proposals.settings", "GET", STAFF_ONLY, slug="w.slug"),
    C("proposals.settings", "POST", STAFF_ONLY, slug="w.slug"),
    # Comments: the author's comment on the published proposal
    C("comments.post", "POST", SIGNED_IN, target_type="proposal", target_id="w.published"),
    C("comments.post", "POST", NOBODY, target_type="proposal", target_id="w.draft"),
    C("comments.show", "GET", EVERYONE, comment_id="w.comment"),
    C("comments.edit", "GET", {AUTHOR}, comment_id="w.comment"),
    C("comments.edit", "POST", {AUTHOR}, comment_id="w.comment"),
    C("comments.delete", "POST", {AUTHOR}, comment_id="w.comment"),
    C("comments.vote", "POST", SIGNED_IN - {AUTHOR}, comment_id="w.comment", data={"value": "up"},
      keeps=True),
    # Moderation: a report on the author's comment is waiting. Only what someone can see on its
    # own page may they report (and so count towards hiding it); never their own.
    *[C("moderation.report", method, allowed, target_type=kind, target_id=f"w.{target}")
      for method in ("GET", "POST") for kind, target, allowed in (
          ("comment", "comment", SIGNED_IN - {AUTHOR}),
          ("comment", "hidden_comment", MODERATORS),
          ("comment", "draft_comment", NOBODY),
          ("proposal", "published", SIGNED_IN - {AUTHOR}),
          ("proposal", "draft", NOBODY),
          ("proposal", "consultation", STAFF_ONLY),
          ("proposal", "hidden_proposal", MODERATORS | STAFF_ONLY))],
    C("moderation.queue", "GET", MODERATORS),
    C("moderation.hide", "POST", MODERATORS, item_id="w.item"),
    C("moderation.restore", "POST", MODERATORS, item_id="w.item"),
    C("moderation.block", "POST", MODERATORS, user_id="w.author"),
    C("moderation.unblock", "POST", MODERATORS, user_id="w.author"),
    # Jobs: the author's job
    C("jobs.status", "GET", {AUTHOR, *ANY_STAFF}, job_id="w.job"),
    # World café run by ``host``; the author sits at its only table (and hosts it) with a guest
    C("cafe.new_cafe", "GET", {FACILITATOR, HOST, *STAFF_ONLY}, slug="w.slug"),
    C("cafe.new_cafe", "POST", {FACILITATOR, HOST, *STAFF_ONLY}, slug="w.slug"),
    C("cafe.edit_cafe", "GET", {HOST, ADMIN}, cafe_id="w.cafe"),
    C("cafe.edit_cafe", "POST", {HOST, ADMIN}, cafe_id="w.cafe"),
    C("cafe.delete_cafe", "GET", {HOST, ADMIN}, cafe_id="w.cafe"),
    C("cafe.delete_cafe", "POST", {HOST, ADMIN}, cafe_id="w.cafe"),
    C("cafe.console", "GET", {HOST, ADMIN}, cafe_id="w.cafe"),
    C("cafe.console_state", "GET", {HOST, ADMIN}, cafe_id="w.cafe"),
    C("cafe.qr", "GET", {HOST, ADMIN}, cafe_id="w.cafe"),
    C("cafe.control", "POST", {HOST, ADMIN}, cafe_id="w.cafe", action="pause"),
    C("cafe.harvest", "GET", {HOST, *STAFF_ONLY}, cafe_id="w.cafe"),
    C("cafe.harvest_csv", "GET", {HOST, *STAFF_ONLY}, cafe_id="w.cafe"),
    # The world's café is on: its harvest is a preview for who may publish it; the other one
    # has ended and its harvest is published.
    C("cafe.publish_harvest", "GET", {HOST, *STAFF_ONLY}, cafe_id="w.cafe"),
    C("cafe.publish_harvest", "POST", {HOST, *STAFF_ONLY}, cafe_id="w.cafe"),
    C("cafe.withdraw_harvest", "POST", {HOST, *STAFF_ONLY}, cafe_id="w.published_cafe"),
    C("cafe.published_harvest", "GET", {HOST, *STAFF_ONLY}, cafe_id="w.cafe"),
    C("cafe.published_harvest", "GET", EVERYONE, cafe_id="w.published_cafe"),
    C("cafe.join", "GET", EVERYONE, code="w.cafe_code"),
    C("cafe.join", "POST", EVERYONE, code="w.cafe_code", keeps=True),
    C("cafe.table", "GET", EVERYONE, code="w.cafe_code"),  # strangers are sent to the join page
    C("cafe.state", "GET", {AUTHOR}, code="w.cafe_code"),
    C("cafe.post_note", "POST", {AUTHOR}, code="w.cafe_code"),
    C("cafe.mark_key", "POST", {AUTHOR, HOST, ADMIN}, code="w.cafe_code", note_id="w.note"),
    # Participatory budget of the open process (city-wide); the author has a ballot in progress
    C("budgets.show", "GET", EVERYONE, budget_id="w.budget"),
    C("budgets.project", "GET", EVERYONE, budget_id="w.budget", project_id="w.project"),
    C("budgets.new_budget", "GET", STAFF_ONLY, slug="w.slug"),
    C("budgets.new_budget", "POST", STAFF_ONLY, slug="w.slug"),
    C("budgets.import_budget", "GET", STAFF_ONLY, slug="w.slug"),
    C("budgets.import_budget", "POST", STAFF_ONLY, slug="w.slug"),
    C("budgets.edit_budget", "GET", STAFF_ONLY, budget_id="w.budget"),
    C("budgets.edit_budget", "POST", STAFF_ONLY, budget_id="w.budget"),
    C("budgets.edit_project", "GET", STAFF_ONLY, budget_id="w.budget"),
    C("budgets.edit_project", "POST", STAFF_ONLY, budget_id="w.budget"),
    C("budgets.edit_project", "GET", STAFF_ONLY, budget_id="w.budget", project_id="w.project"),
    C("budgets.edit_project", "POST", STAFF_ONLY, budget_id="w.budget", project_id="w.project"),
    C("budgets.save_ballot", "POST", VOTERS, budget_id="w.budget", refused={422}, keeps=True),
    C("budgets.change_ballot", "POST", VOTERS, rule="/budgets/<int:budget_id>/ballot/add",
      budget_id="w.budget", data={"project": "w.project"}, refused={422}),
    C("budgets.change_ballot", "POST", VOTERS, rule="/budgets/<int:budget_id>/ballot/remove",
      budget_id="w.budget", data={"project": "w.project"}, refused={422}),
    C("budgets.review", "GET", EVERYONE, budget_id="w.budget"),  # others go back to the budget
    C("budgets.checkout", "POST", {AUTHOR}, budget_id="w.budget", refused={422}),
    C("budgets.receipt", "GET", EVERYONE, budget_id="w.budget"),  # others go back to the budget
    C("budgets.reopen", "POST", EVERYONE, budget_id="w.budget", keeps=True),  # only one's own ballot
    C("budgets.results", "GET", EVERYONE, budget_id="w.budget"),
    C("budgets.check_receipt", "POST", EVERYONE, budget_id="w.budget", keeps=True),
    C("budgets.recount", "POST", STAFF_ONLY, budget_id="w.budget"),
    # Surveys: one of the open process (area A) for its verified residents, results not public
    C("surveys.staff_list", "GET", ANY_STAFF),
    C("surveys.new_survey", "GET", ANY_STAFF), C("surveys.new_survey", "POST", ANY_STAFF),
    *[C(f"surveys.{name}", method, STAFF_ONLY, survey_id="w.survey") for name, method in (
        ("edit_survey", "GET"), ("edit_survey", "POST"), ("manage", "GET"),
        ("edit_question", "GET"), ("edit_question", "POST"), ("set_state", "POST"),
        ("paper", "GET"), ("paper", "POST"), ("import_answers", "GET"),
        ("import_answers", "POST"), ("results_page", "GET"), ("crosstab", "GET"),
        ("export_answers", "GET"), ("export_results", "GET"), ("to_themes", "POST"))],
    *[C(f"surveys.{name}", method, STAFF_ONLY, survey_id="w.survey", question_id="w.question")
      for name, method in (("edit_question", "GET"), ("edit_question", "POST"),
                           ("delete_question", "POST"), ("move_question", "POST"))],
    C("surveys.answer", "GET", EVERYONE, survey_id="w.survey"),  # others read why they cannot
    C("surveys.answer", "POST", {VERIFIED, AUTHOR}, survey_id="w.survey"),
    C("surveys.thanks", "GET", EVERYONE, survey_id="w.survey"),
    # Opinion maps: a conversation of the open process (area A) where signed-in people vote, and
    # one of the unpublished process
    C("opinions.conversation", "GET", EVERYONE, conversation_id="w.conversation"),
    C("opinions.conversation", "GET", CITY_STAFF, conversation_id="w.hidden_conversation"),
    C("opinions.opinion_map", "GET", EVERYONE, conversation_id="w.conversation"),
    C("opinions.vote", "POST", SIGNED_IN, conversation_id="w.conversation",
      statement_id="w.opinion_statement"),
    C("opinions.vote", "POST", SIGNED_IN, conversation_id="w.conversation",
      statement_id="w.opinion_statement", data={"vote": "agree"}),
    C("opinions.write", "POST", SIGNED_IN, conversation_id="w.conversation"),
    C("opinions.share", "POST", SIGNED_IN, conversation_id="w.conversation"),
    C("opinions.new_conversation", "GET", STAFF_ONLY, slug="w.slug"),
    C("opinions.new_conversation", "POST", STAFF_ONLY, slug="w.slug"),
    C("opinions.import_conversation", "GET", STAFF_ONLY, slug="w.slug"),
    C("opinions.import_conversation", "POST", STAFF_ONLY, slug="w.slug"),
    *[C(f"opinions.{name}", method, STAFF_ONLY, conversation_id="w.conversation")
      for name, method in (("edit", "GET"), ("edit", "POST"), ("seed", "POST"),
                           ("recompute", "POST"), ("report", "GET"), ("to_themes", "POST"),
                           ("export", "GET"))],
    C("opinions.edit", "GET", CITY_STAFF, conversation_id="w.hidden_conversation"),
    # Notifications: one for the author
    # Public comment: one taking opinions (anyone may send), one past its deadline with an
    # opinion (its scan), a group, a file and a published answer, and a draft nobody published
    *[C(f"consultations.{name}", "GET", EVERYONE, consultation_id="w.open_pc", **extra)
      for name, extra in (("show", {}), ("section", {"position": 1}), ("submit", {}))],
    C("consultations.submit", "POST", EVERYONE, consultation_id="w.open_pc"),
    C("consultations.show", "GET", STAFF_ONLY, consultation_id="w.draft_pc"),
    C("consultations.attachment", "GET", EVERYONE, consultation_id="w.closed_pc",
      attachment_id="w.pc_file"),
    C("consultations.receipt", "GET", NOBODY, consultation_id="w.open_pc", number="PC1-00001"),
    *[C(f"consultations.{name}", "GET", EVERYONE, consultation_id="w.closed_pc")
      for name in ("result", "result_print", "result_csv")],
    C("consultations.new", "GET", STAFF_ONLY, slug="w.slug"),
    C("consultations.new", "POST", STAFF_ONLY, slug="w.slug"),
    *[C(f"consultations.{name}", method, STAFF_ONLY, consultation_id="w.closed_pc")
      for name, method in (
          ("edit", "GET"), ("edit", "POST"), ("translation", "GET"), ("translation", "POST"),
          ("add_attachment", "POST"), ("manage", "GET"), ("enter_opinion", "GET"),
          ("enter_opinion", "POST"), ("opinions", "GET"), ("find_duplicates", "POST"),
          ("run_grouping", "POST"), ("groups", "GET"), ("new_group", "POST"), ("move", "POST"),
          ("merge", "POST"), ("publish", "GET"), ("publish", "POST"), ("withdraw", "POST"))],
    # Before the deadline staff run it, but read no opinions yet.
    C("consultations.manage", "GET", STAFF_ONLY, consultation_id="w.open_pc"),
    C("consultations.opinions", "GET", NOBODY, consultation_id="w.open_pc"),
    *[C(f"consultations.{name}", method, STAFF_ONLY, consultation_id="w.closed_pc",
        attachment_id="w.pc_file") for name, method in (
        ("delete_attachment", "GET"), ("delete_attachment", "POST"))],
    *[C(f"consultations.{name}", method, STAFF_ONLY, consultation_id="w.closed_pc",
        opinion_id="w.pc_opinion") for name, method in (
        ("opinion", "GET"), ("scan", "GET"), ("hide", "POST"), ("unhide", "POST"),
        ("duplicate", "POST"), ("unduplicate", "POST"), ("answer_alone", "POST"))],
    *[C(f"consultations.{name}", method, STAFF_ONLY, consultation_id="w.closed_pc",
        group_id="w.pc_group") for name, method in (
        ("group", "GET"), ("group", "POST"), ("rename", "POST"), ("split", "POST"),
        ("delete_group", "GET"), ("delete_group", "POST"))],
    C("consultations.final_text", "GET", STAFF_ONLY, consultation_id="w.closed_pc", position=1),
    C("consultations.final_text", "POST", STAFF_ONLY, consultation_id="w.closed_pc", position=1),
    C("healthz", "GET", EVERYONE),
    C("favicon", "GET", EVERYONE),
    # The public API reads as a visitor whoever asks: the author's draft is no one's there.
    C("api.reference", "GET", EVERYONE), C("api.specification", "GET", EVERYONE),
    C("api.area_list", "GET", EVERYONE), C("api.process_list", "GET", EVERYONE),
    C("api.proposal_list", "GET", EVERYONE),
    C("api.proposal", "GET", EVERYONE, proposal_id="w.published"),
    C("api.proposal", "GET", NOBODY, proposal_id="w.draft"),
    C("api.proposal", "GET", NOBODY, proposal_id="w.hidden_proposal"),
    C("api.proposal_comments", "GET", EVERYONE, proposal_id="w.published"),
    C("api.proposal_comments", "GET", NOBODY, proposal_id="w.hidden_proposal"),
    C("api.budget_list", "GET", EVERYONE), C("api.budget", "GET", EVERYONE, budget_id="w.budget"),
    # Public comments: only a published answer; surveys: only results made public
    C("api.consultation_list", "GET", EVERYONE),
    C("api.consultation", "GET", EVERYONE, consultation_id="w.closed_pc"),
    C("api.consultation", "GET", NOBODY, consultation_id="w.open_pc"),
    C("api.consultation", "GET", NOBODY, consultation_id="w.draft_pc"),
    C("api.survey_list", "GET", EVERYONE),
    C("api.survey", "GET", NOBODY, survey_id="w.survey"),
    # Open data: public files; the world's budget has published results (its pabulib file is
    # public) and no zip has been built in it (tests/opendata builds one).
    C("opendata.index", "GET", EVERYONE),
    C("opendata.download", "GET", EVERYONE, name="proposals", fmt="csv"),
    C("opendata.download", "GET", EVERYONE, name="budget_projects", fmt="json"),
    C("opendata.pabulib", "GET", EVERYONE, budget_id="w.budget"),
    C("opendata.archive", "GET", NOBODY),
    # Opinion maps: the world's conversations have no computed map yet, the other is unpublished.
    C("api.opinion_map_list", "GET", EVERYONE),
    C("api.opinion_map", "GET", NOBODY, conversation_id="w.conversation"),
    C("api.opinion_map", "GET", NOBODY, conversation_id="w.hidden_conversation"),
    C("opendata.polis", "GET", NOBODY, conversation_id="w.conversation"),
    C("opendata.polis", "GET", NOBODY, conversation_id="w.hidden_conversation"),
    C("api.cafe_list", "GET", EVERYONE),
    C("api.cafe", "GET", EVERYONE, cafe_id="w.published_cafe"),
    C("api.cafe", "GET", NOBODY, cafe_id="w.cafe"),
    C("opendata.download", "GET", EVERYONE, name="cafe_harvests", fmt="csv"),
    C("notifications.index", "GET", SIGNED_IN),
    C("notifications.show", "GET", {AUTHOR}, notification_id="w.notification"),
    C("notifications.open_", "POST", {AUTHOR}, notification_id="w.notification"),
    C("notifications.mark_read", "POST", {AUTHOR}, notification_id="w.notification"),
    C("notifications.mark_all_read", "POST", SIGNED_IN, keeps=True),
    C("notifications.preferences", "POST", SIGNED_IN, keeps=True),
    # Themes (insights): staff only, the whole blueprint; an analysis of the open process is its
    # staff's
    C("themes.index", "GET", ANY_STAFF), C("themes.index", "POST", ANY_STAFF),
    C("themes.from_cafe", "POST", STAFF_ONLY, cafe_id="w.cafe"),
    *[C(f"themes.{name}", method, STAFF_ONLY, analysis_id="w.analysis") for name, method in (
        ("show", "GET"), ("export", "GET"), ("upload", "GET"), ("upload", "POST"),
        ("map_image", "GET"), ("report", "GET"), ("run", "POST"), ("add_sources", "POST"),
        ("stopwords", "POST"), ("crosstab", "GET"), ("crosstab_csv", "GET"))],
    # Area pages (地域カルテ, 地域ビジョン): public; karte figures come from city-wide staff, the
    # vision of area A from its 地域担当職員 and city-wide staff.
    C("areas.index", "GET", EVERYONE), C("areas.compare", "GET", EVERYONE),
    C("areas.show", "GET", EVERYONE, slug="w.area_slug"),
    C("areas.import_facts", "GET", ANY_STAFF), C("areas.import_facts", "POST", ANY_STAFF),
    C("areas.edit_vision", "GET", STAFF_ONLY, slug="w.area_slug"),
    C("areas.edit_vision", "POST", STAFF_ONLY, slug="w.area_slug"),
    C("areas.add_goal", "POST", STAFF_ONLY, slug="w.area_slug"),
    C("areas.edit_goal", "GET", STAFF_ONLY, goal_id="w.goal"),
    C("areas.edit_goal", "POST", STAFF_ONLY, goal_id="w.goal"),
    C("areas.add_link", "POST", STAFF_ONLY, goal_id="w.goal"),
    C("areas.delete_link", "POST", STAFF_ONLY, link_id="w.goal_link"),
    C("areas.delete_goal", "GET", STAFF_ONLY, goal_id="w.goal"),
    C("areas.delete_goal", "POST", STAFF_ONLY, goal_id="w.goal"),
    C("themes.preview", "GET", STAFF_ONLY, analysis_id="w.analysis", import_id="w.analysis_import"),
    C("themes.preview", "POST", STAFF_ONLY, analysis_id="w.analysis",
      import_id="w.analysis_import"),
    *[C(f"themes.{name}", method, STAFF_ONLY, analysis_id="w.analysis", theme_id="w.theme")
      for name, method in (("theme", "GET"), ("merge", "POST"), ("rename", "POST"),
                           ("split", "POST"))],
    # Meetings: a meeting of the open process (area A) with the author in a seat, unpublished
    # material; the local group of area A (whose confirmed admin is the author) for new ones
    C("meetings.index", "GET", EVERYONE),
    C("meetings.show", "GET", EVERYONE, meeting_id="w.meeting"),
    C("meetings.meeting_ics", "GET", EVERYONE, meeting_id="w.meeting"),
    C("meetings.area_ics", "GET", EVERYONE, slug="w.area_a_slug"),
    C("meetings.new_for_process", "GET", STAFF_ONLY, slug="w.slug"),
    C("meetings.new_for_process", "POST", STAFF_ONLY, slug="w.slug"),
    C("meetings.new_for_group", "GET", {AUTHOR, *STAFF_ONLY}, slug="w.group_slug"),
    C("meetings.new_for_group", "POST", {AUTHOR, *STAFF_ONLY}, slug="w.group_slug"),
    *[C(f"meetings.{name}", method, STAFF_ONLY, meeting_id="w.meeting") for name, method in (
        ("edit", "GET"), ("edit", "POST"), ("signups", "GET"), ("minutes", "GET"),
        ("minutes", "POST"), ("upload_material", "POST"), ("cancel_meeting", "GET"),
        ("cancel_meeting", "POST"))],
    C("meetings.material", "GET", STAFF_ONLY, material_id="w.material"),
    C("meetings.checkin", "GET", STAFF_ONLY, token="w.checkin_token"),
    C("meetings.checkin", "POST", STAFF_ONLY, token="w.checkin_token"),
    C("meetings.sign_up", "POST", SIGNED_IN, meeting_id="w.meeting"),
    C("meetings.cancel_signup", "POST", {AUTHOR}, meeting_id="w.meeting"),
    C("meetings.ticket", "GET", {AUTHOR}, meeting_id="w.meeting"),
    C("meetings.ticket_qr", "GET", {AUTHOR}, meeting_id="w.meeting"),
    # Matching: the group's open need, which the verified resident has said yes to
    C("matching.index", "GET", EVERYONE),
    C("matching.offer", "GET", SIGNED_IN), C("matching.offer", "POST", SIGNED_IN, keeps=True),
    C("matching.new_need", "GET", {AUTHOR, *STAFF_ONLY}, slug="w.group_slug"),
    C("matching.new_need", "POST", {AUTHOR, *STAFF_ONLY}, slug="w.group_slug"),
    C("matching.need", "GET", EVERYONE, need_id="w.need"),
    C("matching.accept", "POST", SIGNED_IN, need_id="w.need"),
    C("matching.withdraw", "POST", {VERIFIED}, need_id="w.need"),
    *[C(f"matching.{name}", method, {AUTHOR, *STAFF_ONLY}, need_id="w.need")
      for name, method in (("responses", "GET"), ("invite", "POST"), ("close", "POST"))],
    C("matching.decide", "POST", {AUTHOR, *STAFF_ONLY}, response_id="w.match_response",
      data={"decision": "confirm"}),
    # 地域資源マップ: public reading; places are staff's, of their areas (the place is area A's)
    C("places.index", "GET", EVERYONE), C("places.map_page", "GET", EVERYONE),
    C("places.geojson_download", "GET", EVERYONE),
    C("places.leaflet", "GET", EVERYONE, version="w.leaflet_version", filename="leaflet.js"),
    C("places.show", "GET", EVERYONE, place_id="w.place"),
    C("places.show", "GET", STAFF_ONLY, place_id="w.hidden_place"),
    C("places.staff_index", "GET", ANY_STAFF),
    C("places.edit", "GET", ANY_STAFF, rule="/staff/places/new"),
    C("places.edit", "POST", ANY_STAFF, rule="/staff/places/new"),
    C("places.edit", "GET", STAFF_ONLY, place_id="w.place"),
    C("places.edit", "POST", STAFF_ONLY, place_id="w.place"),
    # Local groups (area A's); the author is the group's confirmed admin
    C("groups.index", "GET", EVERYONE),
    C("groups.show", "GET", EVERYONE, slug="w.group_slug"),
    C("groups.show", "GET", STAFF_ONLY, slug="w.hidden_group_slug"),
    C("groups.request_admin", "GET", SIGNED_IN, slug="w.group_slug"),
    C("groups.request_admin", "POST", SIGNED_IN, slug="w.group_slug"),
    C("groups.edit", "GET", STAFF_ONLY | {AUTHOR}, slug="w.group_slug"),
    C("groups.edit", "POST", STAFF_ONLY | {AUTHOR}, slug="w.group_slug"),
    C("groups.new_activity", "GET", STAFF_ONLY | {AUTHOR}, slug="w.group_slug"),
    C("groups.new_activity", "POST", STAFF_ONLY | {AUTHOR}, slug="w.group_slug"),
    C("groups.edit_activity", "GET", STAFF_ONLY | {AUTHOR}, slug="w.group_slug",
      activity_id="w.group_activity"),
    C("groups.edit_activity", "POST", STAFF_ONLY | {AUTHOR}, slug="w.group_slug",
      activity_id="w.group_activity"),
    C("groups.remove_activity", "GET", STAFF_ONLY | {AUTHOR}, slug="w.group_slug",
      activity_id="w.group_activity"),
    C("groups.remove_activity", "POST", STAFF_ONLY | {AUTHOR}, slug="w.group_slug",
      activity_id="w.group_activity"),
    C("groups.new", "GET", ANY_STAFF), C("groups.new", "POST", ANY_STAFF),
    C("groups.requests", "GET", ANY_STAFF),
    C("groups.decide", "POST", STAFF_ONLY, membership_id="w.group_request"),
    C("groups.revoke", "GET", STAFF_ONLY, membership_id="w.group_admin"),
    C("groups.revoke", "POST", STAFF_ONLY, membership_id="w.group_admin"),
    C("groups.projects", "GET", STAFF_ONLY, slug="w.group_slug"),
    C("groups.projects", "POST", STAFF_ONLY, slug="w.group_slug"),
    C("groups.network_view", "GET", ANY_STAFF),
]


# Lotteries (無作為抽出): one of area A with its inputs committed. The register and the replies
# are its staff's alone (STAFF_A and ward-wide staff); the public page and the reply form are
# everyone's (the reply form says the lottery's replies are closed).
CASES += [
    C("lotteries.index", "GET", ANY_STAFF),
    C("lotteries.new", "GET", ANY_STAFF), C("lotteries.new", "POST", ANY_STAFF),
    *[C(f"lotteries.{name}", method, STAFF_ONLY, lottery_id="w.lottery") for name, method in (
        ("manage", "GET"), ("edit", "GET"), ("edit", "POST"), ("import_register", "POST"),
        ("invite", "POST"), ("letters", "GET"), ("replies", "GET"), ("paper_reply", "GET"),
        ("paper_reply", "POST"), ("quotas", "GET"), ("quotas", "POST"), ("commit", "POST"),
        ("draw", "POST"), ("replace", "POST"), ("invite_panel", "POST"), ("delete_data", "GET"),
        ("delete_data", "POST"))],
    C("lotteries.public", "GET", EVERYONE, lottery_id="w.lottery"),
    C("lotteries.published_csv", "GET", EVERYONE, lottery_id="w.lottery", name="pool"),
    C("lotteries.reply_start", "GET", EVERYONE),
    C("lotteries.reply_start", "POST", EVERYONE, keeps=True),
    C("lotteries.reply", "GET", EVERYONE, code="w.lottery_code"),
    C("lotteries.reply", "POST", EVERYONE, code="w.lottery_code", keeps=True),
]


# The world ------------------------------------------------------------------------------------

_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def build_world() -> SimpleNamespace:
    from civic.cafe import services as cafe_services
    from civic.comments import services as comment_services
    from civic.comments.models import Comment
    from civic.jobs.models import Job
    from civic.moderation import services as moderation
    from civic.proposals.models import Proposal, ProposalImage
    from civic.proposals.services import reindex
    from civic.spaces.models import Area, Phase, Process, StaffArea
    from civic.timeutil import utcnow, ward_today

    w = SimpleNamespace()
    area_a = Area(name="本町地区", slug="a", position=1)
    area_b = Area(name="青葉台地区", slug="b", position=2)
    db.session.add_all([area_a, area_b])
    db.session.flush()
    users = {}
    for principal, (roles, area, staff_areas) in PEOPLE.items():
        user = User(email=f"{principal}@example.jp", display_name=principal, locale="ja",
                    password_hash=_HASH,
                    email_confirmed_at=None if principal == UNCONFIRMED else utcnow())
        for role in ("resident", *roles):
            user.grant(role)
        db.session.add(user)
        db.session.flush()
        if area:
            db.session.add(Residency(user_id=user.id,
                                     area_id=(area_a if area == "a" else area_b).id))
        for slug in staff_areas:
            db.session.add(StaffArea(user_id=user.id,
                                     area_id=(area_a if slug == "a" else area_b).id))
        users[principal] = user
    w.users = {name: user.id for name, user in users.items()}
    w.author = users[AUTHOR].id
    w.area_a = area_a.id

    today = ward_today()
    from datetime import timedelta

    every_feature = {name: True for name in ("proposals_open", "supports_open", "comments_open",
                                             "ballots_open", "cafe_open", "surveys_open",
                                             "opinions_open", "consultations_open",
                                             "results_published")}
    process = Process(slug="open", title="全部ひらいている", area_id=area_a.id, published=True)
    process.phases = [Phase(title="いま", starts_on=today - timedelta(days=1),
                            ends_on=today + timedelta(days=30), position=0, **every_feature)]
    hidden = Process(slug="unpublished", title="準備中", published=False)
    hidden.phases = [Phase(title="いま", starts_on=today - timedelta(days=1),
                           ends_on=today + timedelta(days=30), position=0, **every_feature)]
    db.session.add_all([process, hidden])
    db.session.flush()
    w.slug, w.hidden_slug, w.phase = process.slug, hidden.slug, process.phases[0].id

    image = ProposalImage(content_type="image/png", data=b"\x89PNG\r\n\x1a\n")
    db.session.add(image)
    db.session.flush()
    proposals = {}
    for state in ("published", "draft", "consultation", "hidden", "evaluation", "accepted"):
        proposal = Proposal(process_id=process.id, author_id=w.author, title=f"{state}の提案",
                            body="公園にベンチを置きたい。",
                            state="published" if state == "hidden" else state,
                            image_id=image.id if state == "draft" else None)
        db.session.add(proposal)
        db.session.flush()
        reindex(proposal)
        proposals[state] = proposal.id
    db.session.commit()
    w.published, w.draft = proposals["published"], proposals["draft"]
    w.evaluation, w.accepted = proposals["evaluation"], proposals["accepted"]
    w.consultation, w.hidden_proposal = proposals["consultation"], proposals["hidden"]

    w.comment = comment_services.add(users[AUTHOR], "proposal", w.published, "賛成です。").id
    moderation.report(users[VERIFIED], "comment", w.comment, "spam")
    from civic.moderation.models import ModerationItem

    w.item = db.session.scalar(db.select(ModerationItem.id))
    w.hidden_comment = comment_services.add(users[AUTHOR], "proposal", w.published,
                                            "ここに電話番号を書きます。").id
    moderation.hide_content(users[MODERATOR], "comment", w.hidden_comment, "personal_info")
    moderation.hide_content(users[MODERATOR], "proposal", w.hidden_proposal, "off_topic")
    # A comment on the draft: the site never takes one, it stands for any comment on something
    # its reader cannot see.
    w.draft_comment = comment_services.add(users[AUTHOR], "proposal", w.published, "下書き").id
    db.session.execute(db.update(Comment).where(Comment.id == w.draft_comment)
                       .values(target_id=w.draft))
    db.session.commit()
    job = Job(kind="matrix.test", created_by_id=w.author)
    db.session.add(job)
    db.session.commit()
    w.job = job.id

    cafe = cafe_services.create_cafe(process, {
        "title": "川沿いの10年後", "purpose": "語り合う", "mode": "classic",
        "questions": "今の暮らしは？", "round_count": 1, "round_minutes": 20, "table_size": 3,
        "table_lines": "", "verification_required": False}, users[HOST])
    cafe_services.join(cafe, user=users[AUTHOR])
    cafe_services.join(cafe, guest_name="ゲスト")
    cafe_services.start(cafe, users[HOST])
    participant = cafe_services.find_participant(cafe, users[AUTHOR])
    w.note = cafe_services.add_note(cafe, participant, "川沿いにベンチを").id
    w.cafe, w.cafe_code = cafe.id, cafe.join_code
    done = cafe_services.create_cafe(process, {
        "title": "終わったカフェ", "purpose": "", "mode": "classic", "questions": "何から始める？",
        "round_count": 1, "round_minutes": 20, "table_size": 3, "table_lines": "",
        "verification_required": False}, users[HOST])
    cafe_services.finish(done, users[HOST])
    cafe_services.publish_harvest(done, users[HOST])
    w.published_cafe = done.id
    w.bad_token = "not-a-token"
    from civic.accounts import services as account_services

    w.batch, _codes = account_services.issue_codes(area_a, 2, "letter", 30, users[STAFF])
    db.session.commit()
    extend_world(w, users, process)
    _area_world(w, users, area_a)
    return w


def _area_world(w, users, area_a) -> None:
    """Area A's vision with a goal served by the accepted proposal."""
    from civic.areas.models import AreaVision, GoalLink, VisionGoal

    vision = AreaVision(area_id=area_a.id, title="支え合うまち", updated_by_id=users[STAFF_A].id)
    vision.goals = [VisionGoal(title="見守り", position=0)]
    db.session.add(vision)
    db.session.flush()
    link = GoalLink(goal_id=vision.goals[0].id, proposal_id=w.accepted)
    db.session.add(link)
    db.session.commit()
    w.area_slug, w.goal, w.goal_link = area_a.slug, vision.goals[0].id, link.id


def extend_world(w, users, process) -> None:
    """Objects of packages that joined later (budgets …), when they are installed."""
    try:
        from civic.places.models import Place
    except ImportError:
        pass
    else:
        import xstatic.pkg.leaflet

        from civic.groups.models import Group, GroupActivity, GroupMembership

        place = Place(name="本町会館", category="meeting_room", area_id=w.area_a, lat=35.65,
                      lon=139.65)
        hidden_place = Place(name="準備中", category="park", area_id=w.area_a, lat=35.65,
                             lon=139.65, published=False)
        group = Group(slug="honcho-chonai", name="本町町会", area_id=w.area_a,
                      kind="neighbourhood")
        hidden_group = Group(slug="junbi", name="準備中の会", area_id=w.area_a, kind="circle",
                             published=False)
        db.session.add_all([place, hidden_place, group, hidden_group])
        db.session.flush()
        request = GroupMembership(group_id=group.id, user_id=users[VERIFIED].id, message="会長")
        admin = GroupMembership(group_id=group.id, user_id=w.author, state="confirmed")
        activity = GroupActivity(group_id=group.id, title="清掃活動",
                                 starts_at=datetime(2027, 4, 1, 1))
        db.session.add_all([request, admin, activity])
        db.session.commit()
        w.group_activity = activity.id
        w.place, w.hidden_place = place.id, hidden_place.id
        w.group_slug, w.hidden_group_slug = group.slug, hidden_group.slug
        w.group_request, w.group_admin = request.id, admin.id
        w.leaflet_version = xstatic.pkg.leaflet.VERSION
    try:
        from civic.notifications.models import Notification
    except ImportError:
        pass
    else:
        notification = Notification(user_id=w.author, kind="comment", endpoint="proposals.show",
                                    url_values={"proposal_id": w.published})
        db.session.add(notification)
        db.session.commit()
        w.notification = notification.id
    try:
        from civic.insights.models import Analysis, AnalysisImport, AnalysisTheme
    except ImportError:
        pass
    else:
        analysis = Analysis(title="自由記述", process_id=process.id, created_by_id=users[STAFF].id)
        db.session.add(analysis)
        db.session.flush()
        theme = AnalysisTheme(analysis_id=analysis.id, label="公園")
        upload = AnalysisImport(analysis_id=analysis.id, filename="a.csv", encoding="utf-8",
                                data="意見\n公園がほしい\n".encode())
        db.session.add_all([theme, upload])
        db.session.commit()
        w.analysis, w.theme, w.analysis_import = analysis.id, theme.id, upload.id
    try:
        from civic.sortition import services as lotteries
        from civic.sortition.models import Invitation, LotteryDraw
    except ImportError:
        pass
    else:
        lottery = lotteries.create_lottery({
            "title": "区民討議会", "purpose": "", "event_dates": "", "letter_text": "",
            "panel_size": 1, "retention_on": None, "area": w.area_a, "cafe": None,
            "extra_features": []}, users[STAFF_A])
        db.session.add(Invitation(lottery_id=lottery.id, number=1, code_hash=lotteries.code_hash(
            lotteries.reply_code(lottery, 1))))
        pool, features = "id,area\nP1,本町\nP2,本町\n", "feature,value,min,max\narea,本町,1,1\n"
        lottery.draw = LotteryDraw(size=1, pool_csv=pool, features_csv=features,
                                   pool_sha256=lotteries.sha256(pool),
                                   features_sha256=lotteries.sha256(features),
                                   secret="0" * 32, commitment=lotteries.sha256("0" * 32),
                                   probabilities={"P1": 0.5, "P2": 0.5}, min_probability=0.5)
        lottery.state = "committed"
        db.session.commit()
        w.lottery, w.lottery_code = lottery.id, lotteries.reply_code(lottery, 1)
    try:
        from civic.surveys.models import Survey, SurveyQuestion
    except ImportError:
        pass
    else:
        survey = Survey(title="公園アンケート", process_id=process.id, area_id=process.area_id,
                        state="open", audience="verified")
        db.session.add(survey)
        db.session.flush()
        question = SurveyQuestion(survey_id=survey.id, kind="single", label="よく使う？",
                                  required=True, options=["はい", "いいえ"])
        db.session.add(question)
        db.session.commit()
        w.survey, w.question = survey.id, question.id
    try:
        from civic.opinions.models import Conversation, Statement
    except ImportError:
        pass
    else:
        from civic.spaces.models import Process

        hidden = db.session.scalar(db.select(Process).where(Process.slug == "unpublished"))
        conversations = [Conversation(process_id=p.id, question="公園をどうする？",
                                      voters="signed_in", created_by_id=users[STAFF].id)
                         for p in (process, hidden)]
        db.session.add_all(conversations)
        db.session.flush()
        statement = Statement(conversation_id=conversations[0].id, body="ベンチがほしい",
                              is_seed=True, author_id=users[STAFF].id)
        db.session.add(statement)
        db.session.commit()
        w.conversation, w.hidden_conversation = conversations[0].id, conversations[1].id
        w.opinion_statement = statement.id
    try:
        from civic.consultations.models import Attachment, Consultation, Opinion, OpinionGroup, Section
    except ImportError:
        pass
    else:
        from datetime import timedelta

        from civic.consultations import services as consultations
        from civic.timeutil import ward_today

        today, day = ward_today(), timedelta(days=1)
        made = {}
        for name, starts, ends, published in (("open_pc", -5, 20, True),
                                              ("closed_pc", -40, -1, True),
                                              ("draft_pc", -5, 20, False)):
            made[name] = Consultation(process_id=process.id, title=name, draft="## 第1条\n本文",
                                      starts_on=today + starts * day, ends_on=today + ends * day,
                                      published=published, created_by_id=users[STAFF].id,
                                      sections=[Section(position=1, number="第1条", body="本文")])
            db.session.add(made[name])
        db.session.flush()
        closed = made["closed_pc"]
        group = OpinionGroup(consultation_id=closed.id, label="公園", summary="概要", response="考え方",
                      disposition="adopted")
        db.session.add(group)
        db.session.flush()
        opinion = Opinion(consultation_id=closed.id, number=1, receipt=f"PC{closed.id}-00001",
                          body="ベンチがほしい。", received_on=today - 3 * day, user_id=w.author,
                          group_id=group.id, channel="post")
        db.session.add(opinion)
        db.session.flush()
        file = Attachment(consultation_id=closed.id, filename="素案.pdf",
                          content_type="application/pdf", size=8, data=b"%PDF-1.4")
        scan = Attachment(consultation_id=closed.id, opinion_id=opinion.id, filename="scan.png",
                          content_type="image/png", size=8, data=b"\x89PNG\r\n\x1a\n")
        db.session.add_all([file, scan])
        db.session.flush()
        closed.result = consultations.snapshot(closed)
        db.session.commit()
        w.open_pc, w.closed_pc, w.draft_pc = (made[n].id for n in ("open_pc", "closed_pc",
                                                                   "draft_pc"))
        w.pc_group, w.pc_opinion, w.pc_file = group.id, opinion.id, file.id
    try:
        from civic.groups.models import Group
        from civic.matching import services as matching
        from civic.meetings import services as meetings
    except ImportError:
        pass
    else:
        _meetings_world(w, users, process, Group, meetings, matching)
    try:
        from civic.budgets.models import Budget, BudgetProject
    except ImportError:
        return
    budget = Budget(process_id=process.id, title="地域予算", amount=1_000_000)
    db.session.add(budget)
    db.session.flush()
    project = BudgetProject(budget_id=budget.id, title="ベンチ", cost=100_000, code="p1")
    db.session.add(project)
    db.session.commit()
    w.budget, w.project = budget.id, project.id
    from civic.budgets import services
    from civic.timeutil import ward_today

    services.add_project(budget, users[AUTHOR], project.id, ward_today())
    # Counted, as the job does once results are due (the process's phase has them open): the
    # results page and the open-data pabulib file show it to everyone.
    services.count(budget.id)


def _meetings_world(w, users, process, Group, meetings, matching) -> None:
    from datetime import timedelta

    from civic.timeutil import utcnow

    group = db.session.scalar(db.select(Group).where(Group.slug == w.group_slug))
    starts = utcnow() + timedelta(days=7)
    meeting = meetings.create({"kind": "briefing", "title": "説明会", "starts_at": starts,
                               "ends_at": starts + timedelta(hours=2), "capacity": 30,
                               "online_url": "https://meet.example.jp/a", "published": True},
                              users[STAFF], process=process)
    signup = meetings.sign_up(meeting, users[AUTHOR])
    w.meeting, w.checkin_token = meeting.id, meetings.checkin_token(signup)
    w.material = meetings.add_material(meeting, "資料", b"%PDF-1.4 test", users[STAFF]).id
    w.area_a_slug = "a"
    need = matching.create_need(group, {"title": "配膳", "people_needed": 2}, users[AUTHOR])
    w.need = need.id
    w.match_response = matching.accept(need, users[VERIFIED]).id


# Running the matrix ------------------------------------------------------------------------------

def outcome(response) -> str:
    status = response.status_code
    location = response.headers.get("Location", "")
    if status in (301, 302, 303) and "/login" in location:
        return "login"
    if status in (301, 302, 303) and "/verify" in location:
        return "verify"  # "verify your residency first": turned away
    if status >= 500:
        return "error"
    if status in (401, 403, 404):
        return "deny"
    if status in (405, 429):
        return f"unexpected {status}"
    return "ok"  # 2xx, 3xx elsewhere, or a validation answer (400/409/422) after the checks


def _rules_by_endpoint(app):
    rules = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        rules.setdefault(rule.endpoint, []).append(rule)
    return rules


def _resolve(values: dict, world) -> dict:
    return {name: getattr(world, value[2:]) if isinstance(value, str) and value.startswith("w.")
            else value for name, value in values.items()}


def _rule(app, case: Case):
    rules = _rules_by_endpoint(app)[case.endpoint]
    if case.rule:
        return next(r for r in rules if r.rule == case.rule)
    return next(r for r in rules if set(r.arguments) == set(case.args))


def _url(app, case: Case, world) -> str:
    with app.test_request_context():
        return _rule(app, case).build(_resolve(case.args, world), append_unknown=False)[1]


def test_every_route_has_a_declared_expectation(app):
    covered = set()
    for case in CASES:
        if case.endpoint in _rules_by_endpoint(app):
            covered.add((_rule(app, case).rule, case.method))
    missing = [f"{method} {rule.rule} ({rule.endpoint})"
               for rules in _rules_by_endpoint(app).values() for rule in rules
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
               if (rule.rule, method) not in covered]
    assert not missing, "routes without a declared expectation in CASES:\n" + "\n".join(missing)


def _sign_in(client, user_id: int) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{db.session.get(User, user_id).session_version}"
        session["_fresh"] = True


@pytest.fixture
def fast_sqlite(app, ctx):
    """The matrix rebuilds its world a few hundred times: skip SQLite's fsync on commit."""
    if db.engine.dialect.name != "sqlite":
        yield
        return

    def no_sync(connection, _record):
        connection.execute("PRAGMA synchronous=OFF")

    event.listen(db.engine, "connect", no_sync)
    db.session.remove()
    db.engine.dispose()
    try:
        yield
    finally:
        event.remove(db.engine, "connect", no_sync)
        db.session.remove()
        db.engine.dispose()


def _empty_world() -> None:
    """DELETE rather than TRUNCATE: far quicker on PostgreSQL for a few rows, hundreds of times."""
    db.session.remove()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _may(case: Case, principal: str) -> bool:
    if principal == UNCONFIRMED:
        return VERIFIED in case.allowed and (case.method == "GET"
                                             or case.endpoint in UNCONFIRMED_MAY_POST)
    return principal in case.allowed


def test_every_route_admits_exactly_the_declared_people(app, ctx, fast_sqlite):
    endpoints = _rules_by_endpoint(app)
    world = build_world()
    dirty = False
    failures = []
    ran = 0
    for case in CASES:
        if case.endpoint not in endpoints:
            continue  # a package not installed here
        if case.endpoint.startswith("budgets.") and not hasattr(world, "budget"):
            continue
        for principal in PRINCIPALS:
            if dirty:
                _empty_world()
                world = build_world()
                dirty = False
            client = app.test_client()
            if principal != ANON:
                _sign_in(client, world.users[principal])
            url = _url(app, case, world)
            try:
                response = client.open(url, method=case.method, data=_resolve(case.data, world))
            except Exception as error:  # TESTING propagates what would be a 500
                failures.append(f"{case.method} {url} as {principal}: {error!r}")
                dirty = True
                continue
            got = outcome(response)
            if response.status_code in case.refused:
                got = "refused"
            ran += 1
            allowed = _may(case, principal)
            if allowed:
                good = got == "ok"
            elif principal == ANON:
                good = got in ("login", "deny", "refused")
            else:
                good = got in ("deny", "verify", "refused")
            if not good:
                failures.append(f"{case.method} {url} as {principal}: {response.status_code} "
                                f"{response.headers.get('Location', '')} → {got}, expected "
                                f"{'allowed' if allowed else 'turned away'}")
            # A re-rendered form (4xx) saved nothing; anything else may have changed the world.
            if (case.method != "GET" and not case.keeps and got == "ok"
                    and response.status_code < 400):
                dirty = True
    assert ran > 500
    assert not failures, "\n".join(failures)
