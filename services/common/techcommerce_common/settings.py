"""Configuration from environment variables, validated once at start-up."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TypeVar

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = str


class ServiceSettings(BaseSettings):
    """Settings every service shares. Each field maps to the upper-case env var of its name."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$")
    # Where the zero-setup SQLite database lives when DATABASE_URL is not set.
    data_dir: Path = Path("data")
    database_url: str | None = Field(default=None, pattern=r"^(sqlite|postgresql)(\+\w+)?://")
    # How long start-up waits for the database (new pods can start before their network path is ready).
    database_startup_timeout: float = Field(default=60.0, ge=0, le=600)
    upstream_timeout: float = Field(default=2.0, gt=0, le=60)
    upstream_retries: int = Field(default=2, ge=0, le=10)

    def resolved_database_url(self, service: str) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / f'{service}.db').absolute()}"


S = TypeVar("S", bound=BaseSettings)


def load_settings(cls: type[S]) -> S:
    """Build settings or stop the process with a message naming every bad variable.

    A misconfigured pod should crash-loop with a readable reason instead of
    serving requests with a half-valid configuration.
    """
    try:
        return cls()
    except ValidationError as exc:
        lines = [
            f"  {str(err['loc'][0]).upper()}: {err['msg']} (got {err.get('input')!r})"
            for err in exc.errors(include_url=False)
        ]
        sys.stderr.write("invalid configuration:\n" + "\n".join(lines) + "\n")
        raise SystemExit(2) from None
