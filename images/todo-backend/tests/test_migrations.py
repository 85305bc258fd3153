"""Migrations: a separate command that builds the schema from nothing, is safe to run again,
and matches the models exactly."""

from __future__ import annotations

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import JWT_SECRET, app_env, run_module
from postgres import PostgresServer
from sqlalchemy import create_engine

from todo_api.models import Base


def test_migrate_builds_the_schema_and_is_idempotent(postgres: PostgresServer) -> None:
    url = postgres.create_database("migrations_fresh")
    env = app_env(DATABASE_URL=url, JWT_SECRET=JWT_SECRET)
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0
    for _ in range(2):
        result = run_module("todo_api.migrate", env)
        assert result.returncode == 0, result.stderr
    with psycopg.connect(url) as connection:
        tables = {r[0] for r in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert tables == {"users", "tasks", "alembic_version"}
    assert version == [("0001",)]


def test_the_models_match_the_migrations(database_url: str) -> None:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []
