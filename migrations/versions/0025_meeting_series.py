"""Placeholder reserved for meeting series (issue #15); replaced on the series branch."""
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
