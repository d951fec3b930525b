"""Photos from phones: checked, re-encoded without metadata, resized, stored outside static/."""
import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

# iPhones take HEIC photos by default.
register_heif_opener()

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
THUMB_SIDE = 320
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "HEIC", "MPO"}
# A 40-megapixel limit stops decompression bombs long before they eat the worker's memory.
MAX_PIXELS = 40_000_000
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}(\.thumb)?\.jpg$")


TOO_LARGE = _l("The photo is larger than 8 MB. Choose a smaller one.")


def photo_input_attrs(max_files: int = 1, too_many=None) -> dict:
    """Attributes that let static/app.js refuse, in the browser, a photo the server would refuse. A body over
    MAX_CONTENT_LENGTH can only be answered with the 413 page, which loses what was typed; caught before the
    upload, the user keeps the form and is told which rule the photo broke."""
    attrs = {"accept": "image/*", "data-max-bytes": MAX_BYTES, "data-too-large": TOO_LARGE}
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


def _folder(kind: str) -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _read_limited(file_storage) -> bytes:
    data = file_storage.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageRejected(TOO_LARGE)
    if not data:
        raise ImageRejected(_l("The photo is empty."))
    return data


def _open(data: bytes) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:
            raise ImageRejected(_l("Only JPEG, PNG, WebP or HEIC photos can be attached."))
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ImageRejected(_l("This file is not a photo we can read.")) from exc
    return image


def _clean(image: Image.Image, side: int) -> Image.Image:
    """Turn upright as the camera meant, flatten to RGB, shrink; the copy carries no metadata."""
    upright = ImageOps.exif_transpose(image)
    flat = upright.convert("RGB")
    flat.thumbnail((side, side))
    return Image.frombytes("RGB", flat.size, flat.tobytes())


def save_image(file_storage, kind: str) -> StoredImage:
    """Check and store an uploaded photo under instance/uploads/<kind>/ with a random name.

    The stored JPEG is re-encoded from pixels only, so EXIF, GPS and device details are gone.
    """
    image = _open(_read_limited(file_storage))
    folder = _folder(kind)
    stem = secrets.token_urlsafe(18)
    full = _clean(image, MAX_SIDE)
    full.save(folder / f"{stem}.jpg", "JPEG", quality=82, optimize=True)
    _clean(image, THUMB_SIDE).save(folder / f"{stem}.thumb.jpg", "JPEG", quality=75, optimize=True)
    return StoredImage(name=f"{stem}.jpg", thumb_name=f"{stem}.thumb.jpg", width=full.width, height=full.height)


def stored_path(kind: str, name: str) -> Path | None:
    """Where a stored photo lives, or None for a name we never handed out (no path tricks)."""
    if not NAME_PATTERN.match(name or ""):
        return None
    path = _folder(kind) / name
    return path if path.is_file() else None


def delete_image(kind: str, name: str) -> None:
    for candidate in (name, name.replace(".jpg", ".thumb.jpg")):
        path = stored_path(kind, candidate)
        if path is not None:
            path.unlink(missing_ok=True)
