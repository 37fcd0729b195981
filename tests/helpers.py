"""Test helpers that more than one test package imports."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_HINT = "TEST_POSTGRES_URL is not set; `make test` starts a local PostgreSQL and sets it"


class postgres_database:  # noqa: N801 - used as a context manager, reads like one
    """A throwaway database on the test PostgreSQL server, dropped afterwards."""

    def __enter__(self) -> str:
        admin_url = os.environ.get("TEST_POSTGRES_URL")
        if not admin_url:
            pytest.fail(POSTGRES_HINT)
        self.name = f"test_{uuid.uuid4().hex[:16]}"
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *_: object) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()
