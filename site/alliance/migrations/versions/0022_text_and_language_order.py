"""ORUK text fields without length limits, and a service's languages in their curated order.

What partners publish fits: ORUK 3.0 sets no length on its text fields, so neither do we.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# (table, column, the length it had): the standard's text fields, with no maxLength in its schemas.
WIDENED = (
    ("organizations", "name", 255),
    ("organizations", "email", 255),
    ("organizations", "website", 500),
    ("organizations", "logo", 500),
    ("organizations", "uri", 500),
    ("services", "name", 255),
    ("services", "url", 500),
    ("services", "email", 255),
    ("services", "assured_date", 20),
    ("services", "assurer_email", 255),
    ("locations", "name", 255),
    ("locations", "external_identifier", 100),
    ("locations", "external_identifier_type", 100),
    ("addresses", "attention", 255),
    ("addresses", "address_1", 255),
    ("addresses", "city", 100),
    ("addresses", "region", 100),
    ("addresses", "state_province", 100),
    ("addresses", "postal_code", 20),
    ("addresses", "country", 2),
    ("contacts", "name", 255),
    ("contacts", "title", 255),
    ("phones", "number", 50),
    ("schedules", "valid_from", 20),
    ("schedules", "valid_to", 20),
    ("schedules", "dtstart", 20),
    ("schedules", "byday", 50),
    ("schedules", "bymonthday", 50),
    ("schedules", "schedule_link", 500),
    ("schedules", "attending_type", 100),
    ("taxonomies", "name", 255),
    ("taxonomies", "uri", 500),
    ("taxonomies", "version", 50),
    ("taxonomy_terms", "name", 255),
    ("taxonomy_terms", "taxonomy", 255),
    ("taxonomy_terms", "term_uri", 500),
    ("taxonomy_terms", "term", 100),
    ("attributes", "link_type", 50),
    ("attributes", "value", 255),
    ("languages", "name", 100),
    ("languages", "code", 20),
    ("accessibilities", "url", 500),
    ("accessibilities", "accessibility", 100),
    ("cost_options", "valid_from", 20),
    ("cost_options", "valid_to", 20),
    ("cost_options", "option", 255),
    ("cost_options", "amount_description", 255),
    ("service_areas", "name", 255),
    ("service_areas", "extent_type", 50),
    ("service_areas", "uri", 500),
    ("directory_translations", "name", 255),
)


def upgrade() -> None:
    # Additive: the version still serving during an upgrade writes no longer values than before, and
    # never reads the new column (its rows get 0, the default, until an import orders them).
    with op.batch_alter_table("languages") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite never enforces a VARCHAR length (both are TEXT to it), and changing a declared type
        # there means copying each table, which would cascade deletes to the rows that refer to it.
        return
    for table, column, length in WIDENED:
        op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table, column, length in WIDENED:
            # Longer values are cut to the old length: the old version would refuse them anyway.
            op.alter_column(
                table,
                column,
                type_=sa.String(length),
                existing_type=sa.Text(),
                postgresql_using=f'left("{column}", {length})',
            )
    with op.batch_alter_table("languages") as batch:
        batch.drop_column("position")
