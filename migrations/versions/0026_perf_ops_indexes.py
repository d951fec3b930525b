"""Placeholder reserved for issue #12 indexes; replaced on its branch (an empty step until then)."""
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
