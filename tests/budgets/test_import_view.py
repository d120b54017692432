"""Staff import a pabulib file in the browser: all or nothing, with what went wrong in words."""

import io

import pytest
from sqlalchemy import func, select

from civic.audit.models import AuditEvent
from civic.budgets.models import Ballot, BallotItem, Budget, BudgetProject
from civic.extensions import db
from tests.budgets.test_cli import MALFORMED, SMALL
from tests.conftest import login


@pytest.fixture
def staff_client(client, make_user):
    login(client, make_user(roles=("staff",)))
    return client


def _upload(client, process, text, name="election.pb", **fields):
    body = text.encode("utf-8") if isinstance(text, str) else text
    form = {"title": "", "rule": "", **fields}  # a browser sends every field, empty or not
    return client.post(f"/processes/{process.slug}/budgets/import",
                       data={"file": (io.BytesIO(body), name), **form},
                       content_type="multipart/form-data")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_staff_import_a_file_into_the_process(staff_client, make_process):
    process = make_process()
    assert "/budgets/import" in staff_client.get(f"/processes/{process.slug}").text
    response = _upload(staff_client, process, SMALL, title="公園の予算")
    assert response.status_code == 302
    budget = db.session.scalars(select(Budget)).one()
    assert response.headers["Location"].endswith(f"/budgets/{budget.id}")
    assert (budget.process_id, budget.title, budget.amount, budget.rule) == (
        process.id, "公園の予算", 1000, "greedy")
    assert [p.code for p in budget.projects] == ["1", "2", "3"]
    assert _count(Ballot) == 3 and _count(BallotItem) == 6
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "budget.imported")).one()
    assert event.target_id == budget.id and event.detail == {"projects": 3, "ballots": 3}
    assert "3件の事業と3票を取り込みました" in staff_client.get(response.headers["Location"]).text


def test_a_malformed_file_names_its_line_and_saves_nothing(staff_client, make_process):
    process = make_process()
    broken = SMALL.replace("3;400;Bench;1", "3;four hundred;Bench;1")
    response = _upload(staff_client, process, broken, title="残したい題名")
    assert response.status_code == 422
    assert "取り込めません" in response.text and "line 12" in response.text
    assert 'value="残したい題名"' in response.text  # what was typed stays
    assert _count(Budget) == _count(BudgetProject) == _count(Ballot) == 0


def test_a_file_without_a_known_rule_asks_for_one(staff_client, make_process):
    process = make_process()
    no_rule = SMALL.replace("rule;greedy\n", "")
    response = _upload(staff_client, process, no_rule)
    assert response.status_code == 422 and "集計方法を選んでください" in response.text
    assert _count(Budget) == 0
    assert _upload(staff_client, process, no_rule, rule="equalshares/add1").status_code == 302
    assert db.session.scalars(select(Budget.rule)).one() == "equalshares/add1"


def test_an_uploaded_line_is_never_read_as_a_path_on_the_server(staff_client, make_process,
                                                              tmp_path):
    secret = tmp_path / "secret.pb"
    secret.write_text(SMALL, encoding="utf-8")
    response = _upload(staff_client, make_process(), str(secret))
    assert response.status_code == 422 and _count(Budget) == 0


def test_a_request_without_the_optional_title_imports_too(staff_client, make_process):
    response = staff_client.post(f"/processes/{make_process().slug}/budgets/import",
                                 data={"file": (io.BytesIO(SMALL.encode()), "e.pb"), "rule": ""},
                                 content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalars(select(Budget.title)).one() == "Test election"


def test_other_files_are_refused_with_a_reason(staff_client, make_process):
    process = make_process()
    assert "UTF-8" in _upload(staff_client, process, "META\n".encode("utf-16")).text
    wrong_name = _upload(staff_client, process, SMALL, name="election.csv")
    assert wrong_name.status_code == 422 and ".pb" in wrong_name.text
    assert _count(Budget) == 0



@pytest.mark.parametrize(("text", "line", "fragment"), MALFORMED)
def test_a_file_beyond_what_the_database_holds_names_its_line_and_saves_nothing(
        staff_client, make_process, text, line, fragment):
    response = _upload(staff_client, make_process(), text)
    assert response.status_code == 422
    assert "取り込めません" in response.text and f"line {line}: " in response.text
    assert fragment in response.text.replace("&#39;", "'")
    assert _count(Budget) == _count(BudgetProject) == _count(Ballot) == _count(BallotItem) == 0
