"""Alembic environment: runs against the engine of the app that asked (see Database.upgrade)."""

from alembic import context

import alliance.models  # noqa: F401  (registers every table on Base.metadata)
from alliance.database import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
