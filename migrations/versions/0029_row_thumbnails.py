"""list-row thumbnails (112 px squares) for repair photos stored before uploads made them (issue 18)

Done here, once, rather than on a row's first request: a read that writes would have two workers insert
the same name at once, and until then every list would keep sending the 320 px thumbnail. Each photo costs
a decode of its 320 px thumbnail and a tiny encode (a few milliseconds); batches keep memory flat.

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-29 09:00:00
"""
import io

import sqlalchemy as sa
from alembic import op
from PIL import Image, ImageOps

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

BATCH = 200
# As app/uploads.py ROW_SIDE and row_thumb_jpeg() make them, written out so this migration does what it did
# on the day it was written whatever the app's code becomes.
ROW_SIDE, QUALITY = 112, 75
photos = sa.table("stored_photos", sa.column("name", sa.String), sa.column("kind", sa.String),
                  sa.column("data", sa.LargeBinary))
# A repair photo's 320 px thumbnail with no row thumbnail yet (only repair lists draw photo rows): what is
# left to do, so a rerun resumes.
MISSING = sa.text("SELECT t.name, t.kind, t.data FROM stored_photos t "
                  "WHERE t.kind = 'repairs' AND t.name LIKE '%.thumb.jpg' "
                  "AND NOT EXISTS (SELECT 1 FROM stored_photos r "
                  "WHERE r.name = REPLACE(t.name, '.thumb.jpg', '.row.jpg')) ORDER BY t.name LIMIT :batch")


def upgrade():
    bind = op.get_bind()
    while rows := bind.execute(MISSING, {"batch": BATCH}).all():
        bind.execute(photos.insert(), [{"name": name.removesuffix(".thumb.jpg") + ".row.jpg", "kind": kind,
                                        "data": _row_thumb(data)} for name, kind, data in rows])


def _row_thumb(data: bytes) -> bytes:
    """The middle square of the 320 px thumbnail, at ROW_SIDE."""
    with Image.open(io.BytesIO(data)) as thumb:
        square = ImageOps.fit(thumb.convert("RGB"), (ROW_SIDE, ROW_SIDE))
    buffer = io.BytesIO()
    square.save(buffer, "JPEG", quality=QUALITY, optimize=True)
    return buffer.getvalue()


def downgrade():
    op.execute(photos.delete().where(photos.c.name.like("%.row.jpg")))
