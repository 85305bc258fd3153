"""`python -m todo_api.migrate`: brings the database schema to the newest migration.

Run once per deploy by the Argo CD PreSync hook Job (rendered by the generator), never by the
app's replicas, so that they never race to migrate. Safe to run again: it does nothing when the
schema is current, and a PostgreSQL advisory lock serialises concurrent runs.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from .config import settings_or_exit
from .logs import configure

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def main() -> int:
    settings = settings_or_exit()
    configure(settings.LOG_LEVEL)
    command.upgrade(alembic_config(settings.sqlalchemy_url), "head")
    logging.getLogger("todo_api.migrate").info("schema is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
