"""Numbered schema migrations: a fixed, gapless sequence and a record of what was applied.

The rule, simple enough to keep while branches merge: the bundled files are
``001_name.sql``, ``002_name.sql``, ... with no number missing and none twice. Two branches
that each add the next number conflict on merge; whoever merges second renumbers theirs to
the next free number. Anything else in this folder ending in ``.sql`` is an error, so a
misnamed file is never silently skipped.

Each database keeps the table ``schema_migrations`` (number, name, checksum, applied_at).
A migration is pending when its number is not in that table, so one merged "late" (a
number below ones already applied) still runs, and one already applied never runs again.
Before anything runs, every recorded migration must still be bundled under the same name
with the same checksum: a database from a newer program, a renumbered file, or an applied
file edited afterwards is refused with one line (an applied migration is history; change
the schema with a new one). ``PRAGMA user_version`` follows the highest applied number; a
database made before the record existed (only ``user_version``) is adopted as having
applied 1..user_version.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from importlib.resources.abc import Traversable

from tgraph_bot.clock import utcnow
from tgraph_bot.errors import StorageError
from tgraph_bot.i18n import N_

FILE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
RECORD_TABLE = "schema_migrations"
_RECORD_SQL = f"""CREATE TABLE IF NOT EXISTS {RECORD_TABLE} (
    number     INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,  -- SHA-256 of the file, hex
    applied_at TEXT NOT NULL   -- ISO 8601, UTC
) STRICT;"""


@dataclass(frozen=True)
class Migration:
    number: int
    name: str  # the file name, e.g. "003_camera.sql"
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Applied:
    number: int
    name: str
    checksum: str


def bundled(source: Traversable | None = None) -> list[Migration]:
    """The migrations shipped with the program (or in ``source``), checked to be 1..N."""
    folder = source or resources.files(__name__)
    found: list[Migration] = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = FILE.match(entry.name)
        if match is None:
            raise StorageError(
                N_("The migration file {name} is not named NNN_name.sql (e.g. 006_plex.sql)."),
                name=entry.name,
            )
        found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: (m.number, m.name))
    for expected, migration in enumerate(found, start=1):
        if migration.number != expected:
            raise StorageError(
                N_(
                    "The migrations must be numbered 001, 002, ... with no gap and no "
                    "number twice: expected {expected:03d}, found {name}."
                ),
                expected=expected,
                name=migration.name,
            )
    return found


def _has_record(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (RECORD_TABLE,)
    ).fetchone()
    return row is not None


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def applied(conn: sqlite3.Connection, steps: Iterable[Migration]) -> dict[int, Applied]:
    """What this database has applied (read only). A database older than the record counts
    as having applied the bundled migrations 1..user_version."""
    if _has_record(conn):
        rows = conn.execute(f"SELECT number, name, checksum FROM {RECORD_TABLE}").fetchall()
        return {int(r[0]): Applied(int(r[0]), str(r[1]), str(r[2])) for r in rows}
    version = _user_version(conn)
    known = {m.number: m for m in steps}
    if version > len(known):
        raise StorageError(
            N_(
                "The database is at version {version}, newer than this program "
                "({latest}): upgrade TGraph Bot."
            ),
            version=version,
            latest=len(known),
        )
    return {
        n: Applied(n, known[n].name, known[n].checksum) for n in range(1, version + 1) if n in known
    }


def pending(conn: sqlite3.Connection, steps: list[Migration]) -> list[Migration]:
    """The migrations still to apply, after checking the record against the files."""
    by_number = {m.number: m for m in steps}
    record = applied(conn, steps)
    for number, done in sorted(record.items()):
        step = by_number.get(number)
        if step is None:
            raise StorageError(
                N_(
                    "The database has migration {name} applied, which this program does not "
                    "have: it is from a newer version; upgrade TGraph Bot."
                ),
                name=done.name,
            )
        if step.name != done.name:
            raise StorageError(
                N_(
                    "Migration {number:03d} was applied as {applied} but this program "
                    "has {bundled}: a migration file was renumbered; restore its number."
                ),
                number=number,
                applied=done.name,
                bundled=step.name,
            )
        if step.checksum != done.checksum:
            raise StorageError(
                N_(
                    "Migration {name} was changed after it was applied to this database: "
                    "restore the file and put the change in a new migration."
                ),
                name=step.name,
            )
    return [m for m in steps if m.number not in record]


def upgrade(
    conn: sqlite3.Connection,
    steps: list[Migration] | None = None,
    *,
    clock: Callable[[], datetime] = utcnow,
) -> list[Migration]:
    """Apply what is pending, each migration in one transaction with its record row.

    A process killed mid-migration leaves the database as it was before that migration.
    Returns the migrations applied (empty when the database was up to date). Another
    process must not migrate the same database meanwhile: open it with
    :func:`tgraph_bot.storage.db.open_migrated`, which takes the lock for that."""
    steps = bundled() if steps is None else steps
    todo = pending(conn, steps)
    if not _has_record(conn):
        adopted = applied(conn, steps)
        _script(conn, _RECORD_SQL, [*adopted.values()], clock())
    for migration in todo:
        done = Applied(migration.number, migration.name, migration.checksum)
        _script(conn, migration.sql, [done], clock())
    return todo


def _script(conn: sqlite3.Connection, sql: str, record: list[Applied], now: datetime) -> None:
    """Run ``sql`` and record ``record`` in one transaction (executescript cannot bind
    parameters; every value is a checked file name, a hex digest, an int or a timestamp)."""
    rows = "".join(
        f"INSERT INTO {RECORD_TABLE} VALUES ({a.number}, '{a.name}', '{a.checksum}', "
        f"'{now.isoformat()}');\n"
        for a in record
        if FILE.match(a.name)
    )
    version = max([a.number for a in record], default=0)
    bump = f"PRAGMA user_version = {version};\n" if version > _user_version(conn) else ""
    try:
        conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\n{rows}{bump}COMMIT;")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        name = record[0].name if record else RECORD_TABLE
        raise StorageError(
            N_("Migration {name} failed: {reason}"), name=name, reason=str(exc)
        ) from exc


__all__ = ["Applied", "Migration", "applied", "bundled", "pending", "upgrade"]
