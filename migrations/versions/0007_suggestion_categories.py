"""suggestions: the default categories as reference data, inserted here instead of on the first read

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The same rows as app/suggestions/services.py DEFAULT_CATEGORIES, written out: a migration must not
# change when the code does.
DEFAULT_CATEGORIES = [
    ("工作环境", "Work environment"), ("食堂与餐饮", "Canteen and meals"), ("通勤", "Commuting"),
    ("设施与设备", "Facilities and equipment"), ("工作方式", "Ways of working"), ("安全", "Safety"),
    ("其他", "Other"),
]

categories = sa.table(
    'suggestion_categories',
    sa.column('name_zh', sa.String), sa.column('name_en', sa.String),
    sa.column('position', sa.Integer), sa.column('active', sa.Boolean),
)


def upgrade():
    # An installation that already has categories (seeded on a first read before this version, or
    # edited by the office) keeps its list as it is.
    if op.get_bind().execute(sa.select(sa.func.count()).select_from(categories)).scalar():
        return
    op.bulk_insert(categories, [{'name_zh': zh, 'name_en': en, 'position': position, 'active': True}
                                for position, (zh, en) in enumerate(DEFAULT_CATEGORIES)])


def downgrade():
    # The rows stay: suggestions may already be filed under them, and the office may have renamed them.
    pass
