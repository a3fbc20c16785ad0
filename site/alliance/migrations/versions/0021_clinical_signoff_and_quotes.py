"""Clinical owners and sign-off of pages, and whose copy of the test directory a quotation is from.

- pages.clinical_owner: the named role that owns a clinical page's content.
- pages.clinical_signoff_due: a page marked as awaiting clinical sign-off (cleared when a revision of
  its English text is approved with a clinical sign-off).
- page_revisions.clinical_signoff_by_id: the staff user who signed a revision off clinically.
- genetic_tests.quoted_from: whose published copy of the directory a quotation was checked against.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

HUB_COPIES = (
    ("https://southeastgenomics.nhs.uk/", "South East Genomics"),
    ("https://www.eastgenomics.nhs.uk/", "East Genomics"),
    ("https://ney-genomics.org.uk/", "the North East and Yorkshire Genomic Laboratory Hub"),
)


def upgrade() -> None:
    # Additive and nullable (or defaulted): the version still serving during an upgrade never reads them.
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("clinical_owner", sa.String(length=120), nullable=True))
        batch.add_column(
            sa.Column("clinical_signoff_due", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("page_revisions") as batch:
        batch.add_column(sa.Column("clinical_signoff_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_page_revisions_clinical_signoff_by", "staff_users", ["clinical_signoff_by_id"], ["id"]
        )
    with op.batch_alter_table("genetic_tests") as batch:
        batch.add_column(sa.Column("quoted_from", sa.String(length=200), nullable=True))
    # Quotations already on the site were checked against a laboratory hub's copy of the directory: name
    # it from the address they were checked against (a new column, so no staff text is overwritten).
    tests = sa.table(
        "genetic_tests",
        sa.column("quoted_from", sa.String),
        sa.column("checked_against_url", sa.String),
        sa.column("wording_status", sa.String),
    )
    for prefix, hub in HUB_COPIES:
        op.execute(
            tests.update()
            .where(
                tests.c.wording_status == "quotation-checked",
                tests.c.quoted_from.is_(None),
                tests.c.checked_against_url.like(prefix + "%"),
            )
            .values(quoted_from=hub)
        )


def downgrade() -> None:
    with op.batch_alter_table("genetic_tests") as batch:
        batch.drop_column("quoted_from")
    with op.batch_alter_table("page_revisions") as batch:
        batch.drop_constraint("fk_page_revisions_clinical_signoff_by", type_="foreignkey")
        batch.drop_column("clinical_signoff_by_id")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("clinical_signoff_due")
        batch.drop_column("clinical_owner")
