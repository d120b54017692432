"""Hypothesis fuzzing of the forms people fill in: random Unicode, very long and empty values,
numbers at and beyond what the columns hold, spoiled pabulib files, sent with a valid session.
Never a 500; and a refused submission (400/422) saves nothing — every table has as many rows
afterwards as before. Run it on both databases: PostgreSQL's columns are the narrower ones.
"""

import io

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from civic.budgets.models import Budget
from civic.extensions import db
from tests.budgets.test_cli import SMALL
from tests.test_authz_matrix import ADMIN, ANON, AUTHOR, HOST, VERIFIED, _sign_in
from tests.test_authz_matrix import build_world as matrix_world

# (who, path with world attributes in braces, the form's field names)
FORMS = [
    (ANON, "/register", ["email", "display_name", "password", "confirm", "locale"]),
    (ANON, "/login", ["email", "password"]),
    (ANON, "/password/forgot", ["email"]),
    (VERIFIED, "/account", ["display_name", "locale"]),
    (VERIFIED, "/account/password", ["pw-current", "pw-password", "pw-confirm"]),
    (VERIFIED, "/verify", ["code"]),
    (VERIFIED, "/processes/{slug}/proposals/new",
     ["title", "body", "area", "category", "estimated_cost", "role_residents", "role_ward",
      "kpis"]),
    (AUTHOR, "/proposals/{draft}/edit", ["title", "body", "area", "estimated_cost", "kpis"]),
    (AUTHOR, "/proposals/{published}/consultation", ["body"]),
    (VERIFIED, "/comments/proposal/{published}", ["comment-body", "comment-stance"]),
    (AUTHOR, "/comments/{comment}/edit", ["edit-body", "edit-stance"]),
    (VERIFIED, "/report/proposal/{published}", ["reason", "details"]),
    (ADMIN, "/staff/processes/new", ["title", "slug", "summary", "description", "area"]),
    (ADMIN, "/staff/processes/{slug}/phases/new", ["title", "description", "starts_on",
                                                  "ends_on"]),
    (ADMIN, "/staff/areas", ["name", "slug", "description"]),
    (ADMIN, "/staff/codes", ["area", "count", "kind", "days"]),
    (ADMIN, "/staff/processes/{slug}/proposals", ["kind", "theme", "categories",
                                                  "support_limit", "support_threshold",
                                                  "criteria"]),
    (ANON, "/cafe/{cafe_code}", ["display_name"]),
    (AUTHOR, "/cafe/{cafe_code}/notes", ["body"]),
    (HOST, "/cafes/{cafe}/console/broadcast", ["message"]),
    (HOST, "/cafes/{cafe}/console/swap", ["first", "second"]),
    (HOST, "/cafes/{cafe}/edit", ["title", "purpose", "round_count", "round_minutes",
                                  "table_size", "questions", "table_lines"]),
    (ADMIN, "/processes/{slug}/budgets/new", ["title", "amount", "voting_method", "rule"]),
    (ADMIN, "/staff/themes", ["title", "process"]),
]

# Anything people could paste: any Unicode (no NUL, which is refused at the door), long runs,
# blanks, numbers that overflow, dates that are not dates.
VALUES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=40),
    st.text(alphabet="あア漢a1 -<>&\"'\u202e", min_size=1, max_size=8).map(lambda s: s * 900),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "2026-02-30", "1e309",
                     "NaN", "\u3000"]),
)


def _row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_forms_never_fail_and_refusals_save_nothing(app, ctx):
    world = matrix_world()
    values = {name: getattr(world, name) for name in vars(world) if not name.startswith("_")}
    failures: list[str] = []
    def form_test(who, path, fields):
        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(st.fixed_dictionaries({field: VALUES for field in fields}))
        def submit(data):
            _submit_checked(app, world, who, path, {"data": data}, failures, shown=repr(data))

        return submit

    for who, template, fields in FORMS:
        form_test(who, template.format(**values), fields)()
    assert not failures, "\n".join(failures[:20])


# Numbers at and beyond what the columns hold: 32-bit Integer (ids, counts), 64-bit BigInteger
# (money), Float; and what Python, Decimal or WTForms read as numbers in surprising ways.
LIMITS = (2**31 - 1, 2**63 - 1)
NUMBERS = st.one_of(
    st.sampled_from(["0", "1", "-0", "1.5", "１２", "1e308", "1e309", "-1e309", "Infinity", "NaN",
                     "sNaN", "9" * 400, "-" + "9" * 400]),
    st.builds(lambda limit, sign, off: str(sign * limit + off), st.sampled_from(LIMITS),
              st.sampled_from([1, -1]), st.integers(-2, 2)),
    st.integers(-(2**70), 2**70).map(str),
)

# (who, path with world attributes in braces, a valid submission, its numeric fields)
BUDGET_FORM = {"title": "予算", "area": "0", "amount": "1000000", "voting_method": "knapsack",
               "rule": "greedy", "tie_break": "min_cost,max_votes,id", "min_percent": "0",
               "min_projects": "1", "max_projects": "", "points": "10", "threshold": ""}
BUDGET_NUMBERS = ["amount", "min_percent", "min_projects", "max_projects", "points", "threshold"]
CAFE_FORM = {"title": "川沿いの10年後", "purpose": "", "mode": "classic", "questions": "今は？",
             "round_count": "1", "round_minutes": "20", "table_size": "3", "table_lines": ""}
CAFE_NUMBERS = ["round_count", "round_minutes", "table_size"]
PROPOSAL_FORM = {"title": "公園の整備", "body": "ベンチを置く", "area": "0", "estimated_cost": "1"}
NUMERIC_FORMS = [
    (ADMIN, "/staff/codes", {"area": "{area}", "count": "1", "kind": "letter", "days": "1"},
     ["count", "days"]),
    (VERIFIED, "/processes/{slug}/proposals/new", PROPOSAL_FORM, ["estimated_cost"]),
    (AUTHOR, "/proposals/{draft}/edit", PROPOSAL_FORM, ["estimated_cost"]),
    (ADMIN, "/proposals/{accepted}/updates/new", {"kind": "update", "progress": "10",
                                                   "body": "進んでいます"}, ["progress"]),
    (ADMIN, "/staff/processes/{slug}/proposals", {"kind": "citizen", "theme": "", "categories": "",
                                                  "support_limit": "3", "support_threshold": "",
                                                  "criteria": "効果"},
     ["support_limit", "support_threshold"]),
    (HOST, "/processes/{slug}/cafes/new", CAFE_FORM, CAFE_NUMBERS),
    (HOST, "/cafes/{cafe}/edit", CAFE_FORM, CAFE_NUMBERS),
    # Ballots before the budget's own forms change its amount and costs.
    (AUTHOR, "/budgets/{budget}/ballot", {"project": "{project}"}, ["project"]),
    (AUTHOR, "/budgets/{budget}/ballot/add", {"project": "{project}", "points": ""},
     ["project", "points"]),
    (AUTHOR, "/budgets/{cumulative}/ballot", {"points-{cumulative_project}": "1"},
     ["points-{cumulative_project}"]),
    (ADMIN, "/processes/{slug}/budgets/new", BUDGET_FORM, BUDGET_NUMBERS),
    (ADMIN, "/budgets/{budget}/edit", BUDGET_FORM, BUDGET_NUMBERS),
    (ADMIN, "/budgets/{budget}/projects/new", {"title": "ベンチ", "cost": "1", "area": "0",
                                               "proposal_id": ""}, ["cost", "proposal_id"]),
    (ADMIN, "/budgets/{budget}/projects/{project}/edit", {"title": "ベンチ", "cost": "1",
                                                          "area": "0", "proposal_id": ""},
     ["cost", "proposal_id"]),
]


def _world_values() -> dict:
    """The authorisation matrix's world, an area's id and a cumulative budget (points typed)."""
    from civic.budgets.models import BudgetProject
    from civic.spaces.models import Area

    world = matrix_world()
    values = {name: getattr(world, name) for name in vars(world) if not name.startswith("_")}
    values["area"] = db.session.scalar(select(Area.id).where(Area.slug == "a"))
    cumulative = Budget(process_id=db.session.get(Budget, world.budget).process_id, title="点数",
                        amount=1000, voting_method="cumulative", points=10)
    cumulative.projects.append(BudgetProject(code="c1", title="花壇", cost=100))
    db.session.add(cumulative)
    db.session.commit()
    values["cumulative"], values["cumulative_project"] = cumulative.id, cumulative.projects[0].id
    return values | {"world": world}


def _submit_checked(app, world, who, path, data, failures, shown=None) -> int | None:
    """POST as ``who``; note a 500, or rows saved by a refused submission (described as ``shown``,
    else by the data). The status, if any."""
    client = app.test_client()
    if who != ANON:
        _sign_in(client, world.users[who])
    before = _row_counts()
    try:
        response = client.post(path, **data)
    except Exception as error:  # TESTING propagates what would be a 500
        failures.append(f"POST {path} as {who} with {shown or data!r}: {error!r}")
        db.session.rollback()
        return None
    if response.status_code >= 500:
        failures.append(f"POST {path} as {who}: {response.status_code}")
    if response.status_code in (400, 422):
        after = _row_counts()
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        if changed:
            failures.append(f"POST {path} as {who} refused ({response.status_code}) "
                            f"but saved rows {changed} from {shown or data!r}")
    return response.status_code


def test_numbers_at_and_beyond_the_columns_never_fail(app, ctx):
    """Each numeric field in an otherwise valid submission, so the number reaches the database
    when the form lets it through."""
    values = _world_values()
    world = values.pop("world")
    failures: list[str] = []

    def form_test(who, path, base, numeric):
        base = {name.format(**values): value.format(**values) for name, value in base.items()}
        numeric = [name.format(**values) for name in numeric]
        # The submission is valid as it is: the numbers are what is tried, not the rest.
        assert _submit_checked(app, world, who, path, {"data": base}, failures) in (200, 302), path

        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(st.sampled_from(numeric), NUMBERS)
        def submit(field, number):
            _submit_checked(app, world, who, path, {"data": {**base, field: number}}, failures)

        return submit

    for who, template, base, numeric in NUMERIC_FORMS:
        form_test(who, template.format(**values), base, numeric)()
    assert not failures, "\n".join(failures[:20])


# A pabulib file of each ballot kind, to be spoiled: approval (SMALL) and cumulative.
CUMULATIVE = (SMALL.replace("vote_type;approval", "vote_type;cumulative\nmax_sum_points;5")
              .replace("voter_id;vote;age", "voter_id;vote;points;age")
              .replace("a;1,2;30", "a;1,2;2,3;30").replace("b;1;41", "b;1;5;41")
              .replace("c;1,2,3;", "c;1,2,3;1,1,1;"))
PB_FIELDS = st.one_of(
    NUMBERS,
    st.sampled_from(["", "a", "1,1", "1,2,3", "1,9", "-1", "p" * 64, "p" * 65, "é" * 65, '"',
                     '"a;b"', "\x00", "\r", "META", "VOTES", "knapsack", "ordinal", "scoring",
                     "equalshares", "greedy-threshold"]),
    st.text(max_size=12),
)
PB_META_VALUES = st.one_of(st.sampled_from(["0", "0.5", "1", "2", "3", "-1", "1e400"]), PB_FIELDS)
PB_META_KEYS = st.sampled_from(["min_length", "max_length", "min_sum_cost", "max_sum_cost",
                                "min_points", "max_points", "min_sum_points", "max_sum_points",
                                "min_project_score_threshold", "rule", "vote_type", "budget",
                                "currency", "description"])


@st.composite
def spoiled_pabulib(draw) -> str:
    """A valid file with a few fields replaced, META rows added or lines repeated."""
    rows = [line.split(";") for line in draw(st.sampled_from([SMALL, CUMULATIVE])).splitlines()]
    # Mostly data rows, so that most files get past the sections to the numbers and ids.
    titles = {i for i, row in enumerate(rows) if row[0] in ("META", "PROJECTS", "VOTES")}
    data_rows = [i for i in range(len(rows)) if i not in titles and i - 1 not in titles]
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["field", "field", "meta", "meta", "repeat", "anywhere"]))
        if action == "meta":  # sets a META key (or repeats it, for the duplicate-key refusal)
            key, value = draw(PB_META_KEYS), draw(PB_META_VALUES)
            meta_end = next((i for i, row in enumerate(rows) if row == ["PROJECTS"]), len(rows))
            same = [row for row in rows[:meta_end] if row[0] == key]
            if same and draw(st.booleans()):
                same[0][1:] = [value]
            else:
                rows.insert(2, [key, value])
                data_rows = [i + 1 for i in data_rows]
            continue
        at = draw(st.sampled_from(data_rows if action != "anywhere" else range(len(rows))))
        if action == "repeat":
            rows.insert(at, list(rows[at]))
        else:
            rows[at][draw(st.integers(0, len(rows[at]) - 1))] = draw(PB_FIELDS)
    return "\n".join(";".join(row) for row in rows) + "\n"


def test_pabulib_imports_never_fail_and_refusals_save_nothing(app, ctx, held_jobs):
    """Spoiled files through the staff import page (the CLI uses the same parser and service):
    imported (and then shown) or refused with the file's line, never a 500."""
    values = _world_values()
    world = values.pop("world")
    path = f"/processes/{values['slug']}/budgets/import"
    failures: list[str] = []

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(spoiled_pabulib())
    @example(CUMULATIVE.replace("max_sum_points;5", "max_sum_points;0.5"))
    def upload(text):
        data = {"data": {"file": (io.BytesIO(text.encode("utf-8", "surrogatepass")), "e.pb"),
                         "title": "", "rule": ""},
                "content_type": "multipart/form-data"}
        status = _submit_checked(app, world, ADMIN, path, data, failures, shown=repr(text))
        if status == 302:
            budget = db.session.scalar(select(Budget.id).order_by(Budget.id.desc()))
            client = app.test_client()
            _sign_in(client, world.users[ADMIN])
            for page in (f"/budgets/{budget}", f"/budgets/{budget}/results"):
                if (code := client.get(page).status_code) >= 500:
                    failures.append(f"GET {page} of an import of {text!r}: {code}")
            # The results page starts the count as a job: run it now, before the next file,
            # whose refusal must find the database as this one left it.
            held_jobs.run()
        elif status is not None and status != 422:
            failures.append(f"POST {path}: {status} for {text!r}")

    upload()
    assert not failures, "\n".join(failures[:20])
