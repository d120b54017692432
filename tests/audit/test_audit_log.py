from civic.audit.services import record
from civic.extensions import db
from tests.conftest import login


def test_admins_read_the_audit_log_filtered_by_action(client, make_user):
    admin = make_user(roles=("admin",))
    staff = make_user(roles=("staff",))
    record(staff, "process.created", staff, slug="<b>x</b>")
    record(admin, "users.roles_changed", staff, after=["staff"])
    for n in range(60):
        record(None, "jobs.rerun", None, n=n)
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "jobs.rerun" in page and "?page=2" in page  # newest first, 50 a page
    filtered = client.get("/admin/audit?action=process.created").get_data(as_text=True)
    assert "process.created</code>" in filtered and "jobs.rerun</code>" not in filtered
    assert "<b>x</b>" not in filtered  # details are escaped
    assert client.get("/admin/audit?page=99").status_code == 200


def test_the_audit_log_is_for_admins_only(client, make_user):
    login(client, make_user(roles=("staff", "moderator")))
    assert client.get("/admin/audit").status_code == 403
