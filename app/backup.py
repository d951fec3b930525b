"""Backup and restore of a whole installation: the database holds everything, photos included.

SQLite uses its online backup API, so a consistent copy is taken while the app keeps serving;
PostgreSQL uses pg_dump's custom format (a consistent snapshot too) and pg_restore.
"""
import secrets
import sqlite3
import subprocess
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select, update
from sqlalchemy.engine import make_url

from app.extensions import db
from app.revisions import Revision


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why, for the operator."""


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_file() -> str:
    path = _url().database
    if not path or path == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return path


def _pg_args(url) -> list[str]:
    """libpq's connection string for the command-line tools (the driver name removed)."""
    return [url.set(drivername="postgresql").render_as_string(hide_password=False)]


def backup(path: Path) -> None:
    """Write a consistent copy of the installation to `path` while it runs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    url = _url()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_file())
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        target.close()
        source.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", *_pg_args(url)])


def _is_empty() -> bool:
    tables = [t for t in db.metadata.sorted_tables if inspect(db.engine).has_table(t.name)]
    return all(not db.session.scalar(select(func.count()).select_from(t)) for t in tables)


def restore(path: Path) -> None:
    """Put a backup into this installation, which must be empty (a fresh database)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    if not _is_empty():
        raise BackupError("This installation already has data: restore into an empty database.")
    db.session.remove()
    db.engine.dispose()
    url = _url()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(path)
        target = sqlite3.connect(_sqlite_file())
        with target:
            source.backup(target)
        target.close()
        source.close()
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_pg_args(url)[0]}", str(path)])
    _move_counters_on()


def _move_counters_on() -> None:
    """Copies of pages kept from before (in browsers, in a shared Redis) are keyed by revision counters
    of a history this database no longer follows: after the restore, its next writes would bring the
    counters back to values those copies were made under. Every counter jumps past anything seen."""
    table = Revision.__table__
    with db.engine.begin() as connection:
        connection.execute(update(table).values(n=table.c.n + 2**40 + secrets.randbelow(2**40)))


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()[-500:]}") from exc
