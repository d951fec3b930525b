"""photos: stored in the database, so every app instance reads them and backups hold them

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 13:50:00

Photos stored as files under UPLOAD_DIR by earlier versions are copied in; the files stay where they
are (delete them once the upgrade is checked).
"""
from pathlib import Path

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

KINDS = ("suggestions", "repairs")


def _upload_dir() -> Path | None:
    try:
        from flask import current_app
        return Path(current_app.config["UPLOAD_DIR"])
    except (ImportError, RuntimeError, KeyError):
        return None


def upgrade():
    photos = op.create_table('stored_photos',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_stored_photos')),
    sqlite_with_rowid=False  # no hidden insertion counter beside an anonymous author's photo
    )
    folder = _upload_dir()
    for kind in KINDS:
        if folder is None or not (folder / kind).is_dir():
            continue
        rows = [{"name": path.name, "kind": kind, "data": path.read_bytes()}
                for path in sorted((folder / kind).glob("*.jpg")) if len(path.name) <= 80]
        if rows:
            op.bulk_insert(photos, rows)


def downgrade():
    op.drop_table('stored_photos')
