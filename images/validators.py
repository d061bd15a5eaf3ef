"""Validation of uploaded images (the image library, images/models.py).

Django's ImageField already refuses files that Pillow cannot open. These validators add what it
does not check: size, a short list of web formats, and a pixel count that keeps a tiny file
from expanding to gigabytes when decoded (a "decompression bomb").
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

# Formats every browser shows; SVG is not among them on purpose (it can carry script).
WEB_IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def _is_new_upload(file):
    """Validate files as they arrive, not the ones already stored (re-reading those on every
    save would cost a storage round-trip, and fail if a stored file went missing)."""
    return bool(file) and not getattr(file, "_committed", False)


def validate_image_file_size(file):
    if not _is_new_upload(file):
        return
    limit = settings.MAX_IMAGE_MB * 1024 * 1024
    if file.size > limit:
        raise ValidationError(
            _("The image is %(size)s; the largest allowed is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


def validate_web_image(file):
    if not _is_new_upload(file):
        return
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        # Reads the header only: format and dimensions without decoding the pixels.
        with Image.open(file) as image:
            image_format, (width, height) = image.format, image.size
    except Exception:  # Pillow raises many kinds of errors for a file that is not an image
        raise ValidationError(
            _("Upload a valid image. The file is not an image or is corrupted."),
            code="invalid_image",
        )
    finally:
        if position is not None:
            file.seek(position)
    if image_format not in WEB_IMAGE_FORMATS:
        raise ValidationError(
            _("Use a JPEG, PNG, GIF or WebP image (this one is %(format)s)."),
            code="invalid_image_format",
            params={"format": image_format},
        )
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("The image is %(width)s×%(height)s pixels; the most allowed is %(limit)s million pixels."),
            code="image_too_many_pixels",
            params={"width": width, "height": height, "limit": settings.MAX_IMAGE_PIXELS // 1_000_000},
        )
