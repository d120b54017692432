"""Backups that a ward can trust: a consistent copy while the app keeps serving.

SQLite uses the online backup API; PostgreSQL uses pg_dump's custom format (restored with
pg_restore). No Flask imports: callers pass the database URL.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if candidates:  # the newest client can dump every older server
        return str(candidates[-1])
    if found:
        return found
    raise BackupError(f"{name} is not installed (Debian package postgresql-client)")


def _pg_args(url) -> tuple[list[str], dict]:
    args = ["--no-owner", "--no-privileges", "-h", url.host or "127.0.0.1",
            "-p", str(url.port or 5432), "-d", url.database]
    if url.username:
        args += ["-U", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def backup(database_url: str, out: Path) -> Path:
    url = make_url(database_url)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        if url.get_backend_name() == "sqlite":
            source = sqlite3.connect(_sqlite_path(url))
            target = sqlite3.connect(partial)
            with target:
                source.backup(target)
            source.close()
            target.close()
        elif url.get_backend_name() == "postgresql":
            args, env = _pg_args(url)
            result = subprocess.run(  # noqa: S603 - argv from our own config, no shell  # nosec B603
                [_pg_tool("pg_dump"), "-Fc", "-f", str(partial), *args],
                                    env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(result.stderr.strip() or "pg_dump failed")
        else:
            raise BackupError(f"backups are not supported for {url.get_backend_name()}")
        partial.replace(out)  # a backup file is either complete or absent
    finally:
        partial.unlink(missing_ok=True)
    return out


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with the backup's."""
    url = make_url(database_url)
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(source)
        target = sqlite3.connect(_sqlite_path(url))
        with target:
            backup_db.backup(target)
        backup_db.close()
        target.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        result = subprocess.run(  # noqa: S603 - argv from our own config, no shell  # nosec B603
                                [_pg_tool("pg_restore"), "--clean", "--if-exists",
                                 "--single-transaction", *args, str(source)],
                                env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(result.stderr.strip() or "pg_restore failed")
    else:
        raise BackupError(f"restores are not supported for {url.get_backend_name()}")
