"""Hypothesis fuzzing of the forms people fill in: random Unicode, very long and empty values,
sent with a valid session. Never a 500; and a refused submission (400/422) saves nothing — every
table has as many rows afterwards as before.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from civic.extensions import db
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
            client = app.test_client()
            if who != ANON:
                _sign_in(client, world.users[who])
            before = _row_counts()
            try:
                response = client.post(path, data=data)
            except Exception as error:  # TESTING propagates what would be a 500
                failures.append(f"POST {path} as {who} with {data!r}: {error!r}")
                db.session.rollback()
                return
            if response.status_code >= 500:
                failures.append(f"POST {path} as {who}: {response.status_code}")
            if response.status_code in (400, 422):
                after = _row_counts()
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                if changed:
                    failures.append(f"POST {path} as {who} refused ({response.status_code}) "
                                    f"but saved rows {changed} from {data!r}")

        return submit

    for who, template, fields in FORMS:
        form_test(who, template.format(**values), fields)()
    assert not failures, "\n".join(failures[:20])
