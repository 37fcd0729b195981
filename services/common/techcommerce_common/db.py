"""SQLAlchemy storage: SQLite by default, PostgreSQL via DATABASE_URL."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .money import Cents

log = logging.getLogger(__name__)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self._sqlite_path = Path(url.split(":///", 1)[1])
            self._sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_on_connect)
            event.listen(self.engine, "begin", _sqlite_on_begin)
        else:
            # A bounded connect: an unreachable server fails in seconds, not after TCP's minutes of retries.
            # Ten kept connections and no overflow: a gevent worker runs many requests at once, and
            # overflow connections were opened (connect and password hashing, blocking the worker)
            # and closed again for every request of a burst above the kept ones.
            self.engine = create_engine(
                url, pool_pre_ping=True, pool_size=10, max_overflow=0, connect_args={"connect_timeout": 5}
            )
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on any error."""
        with self.sessions.begin() as session:
            yield session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def wait_until_reachable(self, timeout: float) -> None:
        """Retry the first connection for up to `timeout` seconds, then let the error through."""
        deadline = time.monotonic() + timeout
        delay = 0.5
        while True:
            try:
                self.ping()
                return
            except OperationalError as exc:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise
                log.warning("database not reachable yet, retrying for %.0fs more: %s", remaining, exc.orig)
                time.sleep(min(delay, remaining))
                delay = min(delay * 2, 5.0)

    def init_schema(self, metadata: MetaData, seed: Callable[[Session], None] | None = None) -> None:
        """Create missing tables and seed an empty database, once, even with replicas racing.

        PostgreSQL: a transaction-scoped advisory lock serialises replicas and
        DDL is transactional. SQLite: an exclusive file lock beside the database.
        """
        if self.is_sqlite:
            with _file_lock(self._sqlite_path.with_suffix(".lock")), self.engine.begin() as conn:
                _create(conn, metadata, seed)
            return
        digest = hashlib.sha256(",".join(sorted(metadata.tables)).encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
            _create(conn, metadata, seed)

    def dispose(self) -> None:
        self.engine.dispose()


def _create(conn: Connection, metadata: MetaData, seed: Callable[[Session], None] | None) -> None:
    _money_to_cents(conn, metadata)
    metadata.create_all(conn)
    if seed:
        with Session(bind=conn) as session:
            seed(session)
            session.flush()


def _money_to_cents(conn: Connection, metadata: MetaData) -> None:
    """Convert a table from before money was kept in cents, in place: its `price` column (NUMERIC,
    exact on PostgreSQL, a float on SQLite) becomes `price_cents`, rounded to the cent."""
    inspector = inspect(conn)
    for table in metadata.tables.values():
        if not inspector.has_table(table.name):
            continue
        existing = {column["name"] for column in inspector.get_columns(table.name)}
        for column in (c.name for c in table.columns if isinstance(c.type, Cents)):
            legacy = column.removesuffix("_cents")
            if legacy in existing and column not in existing:
                log.warning("converting %s.%s to integer cents in %s", table.name, legacy, column)
                # Names come from our own models, never from input.
                conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column} BIGINT NOT NULL DEFAULT 0"))
                conn.execute(text(f"UPDATE {table.name} SET {column} = CAST(ROUND({legacy} * 100) AS BIGINT)"))  # noqa: S608
                conn.execute(text(f"ALTER TABLE {table.name} DROP COLUMN {legacy}"))


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy so _sqlite_on_begin decides how to BEGIN.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front; a deferred read-then-write
    # transaction would fail with SQLITE_BUSY instead of waiting its turn.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
