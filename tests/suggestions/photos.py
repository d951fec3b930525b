"""Test data that is not a fixture: photos with metadata, as phones take them."""
import io

from PIL import Image


def jpeg_bytes(exif: bool = True, size=(64, 48)) -> bytes:
    """A small JPEG carrying EXIF with a GPS block and a camera model, as phones write them."""
    image = Image.new("RGB", size, (200, 120, 40))
    buffer = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x0110] = "SecretPhone 12"      # Model
        data[0x0132] = "2026:11:22 09:41:07"  # DateTime
        gps = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
        data[0x8825] = gps
        image.save(buffer, "JPEG", exif=data)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()
