"""Photos from phones: checked, re-encoded without metadata, resized, and stored in the database.

The database is where every app instance reads them (a photo uploaded through one machine shows
through the other), a backup of the database holds them, and a row carries no file-system times or
inode order that could date an anonymous author's photo.
"""
import io
import re
import secrets
import threading
import zipfile
from dataclasses import dataclass

from flask import make_response, request
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from pillow_heif import register_heif_opener
from sqlalchemy import LargeBinary, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# iPhones take HEIC photos by default.
register_heif_opener()
# Pillow's own bomb check only warns between its limit and twice that; `_open` checks the product's
# limit from the header itself, before any pixel is decoded.
Image.MAX_IMAGE_PIXELS = None

# Phones' photos are shrunk in the browser before the upload (static/photos.js); this is for a photo sent
# as it is (no JavaScript, or a format the browser cannot draw), so a large phone photo is still taken.
MAX_MB = 25
MAX_BYTES = MAX_MB * 1024 * 1024
MAX_SIDE = 1600
THUMB_SIDE = 320
# A list row's thumbnail is a 56 px square (static/repairs.css .row-thumb): cut to that square at 112 px it is
# sharp on a 2x phone screen, where five rows of the 320 px one weighed more than the rest of the page
# (issue 18: /repairs/ at 110 KB).
ROW_SIDE = 112
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "HEIC", "MPO"}
# The product's own pixel limit, checked from the header before anything is decoded: Pillow's bomb check
# only fires at twice its MAX_IMAGE_PIXELS, so a 79-megapixel PNG of 225 KB would otherwise take a gigabyte.
MAX_PIXELS = 40_000_000
# Decoding is the memory-hungry part; at most this many photos are decoded at once per worker process,
# so a burst of parallel uploads queues instead of multiplying the worst case.
_DECODING = threading.BoundedSemaphore(2)
UNREADABLE = _l("This file is not a photo we can read.")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}(\.thumb|\.row)?\.jpg$")


TOO_LARGE = _l("The photo is larger than %(mb)d MB. Choose a smaller one.", mb=MAX_MB)


def photo_input_attrs(max_files: int = 1, too_many=None) -> dict:
    """Attributes that let static/app.js refuse, in the browser, a photo the server would refuse. A body over
    MAX_CONTENT_LENGTH can only be answered with the 413 page, which loses what was typed; caught before the
    upload, the user keeps the form and is told which rule the photo broke."""
    attrs = {"accept": "image/*", "data-max-bytes": MAX_BYTES, "data-too-large": TOO_LARGE,
             "data-shrink-side": MAX_SIDE}
    if max_files > 1:
        attrs.update({"multiple": True, "data-max-files": max_files, "data-too-many": too_many})
    return attrs


class ImageRejected(ValueError):
    """The upload is not an acceptable photo; the message says why, for the form field."""


@dataclass(frozen=True)
class StoredImage:
    name: str
    thumb_name: str
    width: int
    height: int


class StoredPhoto(db.Model):
    """A re-encoded JPEG. Deliberately no timestamp and no sequence: the random name is the only key."""
    __tablename__ = "stored_photos"
    # No hidden rowid on SQLite: it would count photos in insertion order and place an anonymous
    # author's photo between their named one and the next person's. Rows are kept in name order.
    __table_args__ = {"sqlite_with_rowid": False}

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def row_thumb_name(name: str) -> str:
    """The stored name of a photo's list-row thumbnail (ROW_SIDE), from the photo's own name."""
    return name.removesuffix(".jpg") + ".row.jpg"


def row_thumb_jpeg(thumb: Image.Image) -> bytes:
    """The list-row thumbnail: the middle square of the 320 px one, as the row shows it, at ROW_SIDE (also how
    migration 0029 made it for older photos)."""
    return _jpeg(ImageOps.fit(thumb, (ROW_SIDE, ROW_SIDE)), 75)


def _read_limited(file_storage) -> bytes:
    data = file_storage.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageRejected(TOO_LARGE)
    if not data:
        raise ImageRejected(_l("The photo is empty."))
    return data


def _open(data: bytes) -> Image.Image:
    """The photo, decoded only after its header passed the format and pixel checks."""
    try:
        image = Image.open(io.BytesIO(data))
    except ImageRejected:
        raise
    except Exception as exc:  # noqa: BLE001  any decoder failure (bombs, zTXt floods, truncation) is the same refusal
        raise ImageRejected(UNREADABLE) from exc
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected(_l("Only JPEG, PNG, WebP or HEIC photos can be attached."))
    width, height = image.size
    if width * height > MAX_PIXELS or width <= 0 or height <= 0:
        raise ImageRejected(_l("The photo has more than 40 megapixels. Choose a smaller one."))
    if image.format in ("JPEG", "MPO"):
        # JPEG decodes at 1/2, 1/4 or 1/8 scale for free: never more pixels than the stored copy needs.
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))
    try:
        image.load()
    except Exception as exc:  # noqa: BLE001
        raise ImageRejected(UNREADABLE) from exc
    return image


def _clean(image: Image.Image, side: int) -> Image.Image:
    """Turn upright as the camera meant, flatten to RGB, shrink; the copy carries no metadata."""
    upright = ImageOps.exif_transpose(image)
    flat = upright.convert("RGB")
    flat.thumbnail((side, side))
    return Image.frombytes("RGB", flat.size, flat.tobytes())


def save_image(file_storage, kind: str, row_thumb: bool = False) -> StoredImage:
    """Check an uploaded photo and add it (and its thumbnail, and with `row_thumb` the list rows' one) to
    the session under a random name; the caller's commit stores it with the record, and a rollback leaves
    nothing behind.

    The stored JPEG is re-encoded from pixels only, so EXIF, GPS and device details are gone.
    """
    data = _read_limited(file_storage)
    stem = secrets.token_urlsafe(18)
    with _DECODING:
        image = _open(data)
        try:
            full = _clean(image, MAX_SIDE)
            thumb = _clean(image, THUMB_SIDE)
        except Exception as exc:  # noqa: BLE001  a file that opens but fails while decoding its pixels
            raise ImageRejected(UNREADABLE) from exc
        finally:
            image.close()
    db.session.add_all([StoredPhoto(name=f"{stem}.jpg", kind=kind, data=_jpeg(full, 82)),
                        StoredPhoto(name=f"{stem}.thumb.jpg", kind=kind, data=_jpeg(thumb, 75))])
    if row_thumb:
        db.session.add(StoredPhoto(name=row_thumb_name(f"{stem}.jpg"), kind=kind, data=row_thumb_jpeg(thumb)))
    return StoredImage(name=f"{stem}.jpg", thumb_name=f"{stem}.thumb.jpg", width=full.width, height=full.height)


def stored_photo(kind: str, name: str) -> bytes | None:
    """A stored photo's JPEG bytes, or None for a name we never handed out."""
    if not NAME_PATTERN.match(name or ""):
        return None
    row = db.session.get(StoredPhoto, name)
    return row.data if row is not None and row.kind == kind else None


def photo_response(kind: str, name: str, max_age: int = 0):
    """The photo as an HTTP answer (the caller checked who may see it), or None when there is none.
    `max_age` 0 keeps private photos out of shared caches; the ETag spares a phone the download."""
    data = stored_photo(kind, name)
    if data is None:
        return None
    response = make_response(data)
    response.mimetype = "image/jpeg"
    response.cache_control.private = True
    response.cache_control.max_age = max_age
    response.set_etag(name)  # a name is never reused for other bytes
    return response.make_conditional(request)


def delete_image(kind: str, name: str) -> None:
    """Remove a photo and its thumbnails (within the caller's transaction)."""
    names = [name, name.replace(".jpg", ".thumb.jpg"), row_thumb_name(name)]
    db.session.execute(delete(StoredPhoto).where(StoredPhoto.kind == kind, StoredPhoto.name.in_(names)))


# Documents (PDF and office files) attached to requests: kept as sent, after their bytes proved the type.
DOCUMENT_MAX_MB = 10
DOCUMENT_MAX_BYTES = DOCUMENT_MAX_MB * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt
_OOXML = {"word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
          "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
          "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")}
_OLE_TYPES = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}
DOCUMENT_ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"


@dataclass(frozen=True)
class CheckedDocument:
    data: bytes
    extension: str
    content_type: str


def _ooxml_type(data: bytes) -> tuple[str, str] | None:
    """The Office Open XML kind of a zip, from the parts it holds; None for any other zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((found for prefix, found in _OOXML.items() if any(n.startswith(prefix) for n in names)), None)


def _document_type(data: bytes, filename: str) -> tuple[str, str] | None:
    """(extension, content type) proved by the file's first bytes, never by its name alone."""
    if data.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_type(data)
    if data.startswith(_OLE):
        # An OLE file's kind is deep inside it; the name tells which of the three, the magic that it is one.
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        return (extension, _OLE_TYPES[extension]) if extension in _OLE_TYPES else None
    return None


# What a refused file is told: a form that also takes photos says so; one that takes documents only does not.
NOT_PHOTO_NOR_DOCUMENT = _l("Only photos, PDF, Word, Excel or PowerPoint files can be attached.")
NOT_A_DOCUMENT = _l("Only PDF, Word, Excel or PowerPoint files can be attached.")


def check_document(file_storage, refused=NOT_PHOTO_NOR_DOCUMENT) -> CheckedDocument:
    """Read an uploaded PDF or office document, refusing (ImageRejected, its message for the field) one
    that is empty, over DOCUMENT_MAX_MB, or whose bytes are not a PDF, Word, Excel or PowerPoint file
    (told with `refused`)."""
    data = file_storage.stream.read(DOCUMENT_MAX_BYTES + 1)
    if len(data) > DOCUMENT_MAX_BYTES:
        raise ImageRejected(_l("The file is larger than %(mb)d MB. Choose a smaller one.", mb=DOCUMENT_MAX_MB))
    if not data:
        raise ImageRejected(_l("The file is empty."))
    found = _document_type(data, file_storage.filename or "")
    if found is None:
        raise ImageRejected(refused)
    return CheckedDocument(data=data, extension=found[0], content_type=found[1])
