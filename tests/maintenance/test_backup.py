from sqlalchemy import func, select

from civic.accounts.models import User
from civic.extensions import db


def test_backup_and_restore_round_trip(app, ctx, make_user, make_area, tmp_path):
    make_user(email="kept@example.jp", area=make_area(name="川端地区"))
    runner = app.test_cli_runner()
    out = tmp_path / "civic.backup"
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0 and not (tmp_path / "civic.backup.partial").exists()

    make_user(email="after-backup@example.jp")
    db.session.get(User, 1).display_name = "changed"
    db.session.commit()

    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    emails = set(db.session.scalars(select(User.email)))
    assert emails == {"kept@example.jp"}
    assert db.session.scalar(select(User).where(User.email == "kept@example.jp")).residency.area.name \
        == "川端地区"
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_failed_backup_leaves_no_file(app, ctx, tmp_path, monkeypatch):
    from civic.maintenance import backup

    def broken(*args, **kwargs):
        raise backup.BackupError("disk full")

    monkeypatch.setattr(backup.sqlite3, "connect", broken)
    monkeypatch.setattr(backup, "_pg_tool", broken)
    out = tmp_path / "x.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(out)])
    assert result.exit_code != 0 and "disk full" in result.output
    assert not out.exists()
