"""Renditions: each library image at several widths, in WebP and JPEG, made once with Pillow
and stored through the default storage, so that a page only reads rows and URLs.

Three crops: "wide" (16:9 around the focal point: heroes, cards, OpenGraph), "banner" (5:2
around it: an article's hero on a phone) and "original" (the whole picture: body images).
Nothing is ever made wider than the picture itself.

Pillow directly rather than sorl-thumbnail or django-imagekit: both decide file names and
generate lazily behind a cache of their own (imagekit's cache files, sorl's key-value store),
while a rendition here is a database row the page prefetches with its article, so a list
of N pictured articles costs the same queries as one (images/querysets.py). Focal-point
crops, two formats and the width set are a few lines on top of Pillow.
"""

import io
import logging
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps

from pagecache.generation import invalidate_page_cache

from .choices import Crop, Format

logger = logging.getLogger(__name__)

WIDE_RATIO = (16, 9)
CROPS = {Crop.WIDE: WIDE_RATIO, Crop.BANNER: (5, 2), Crop.ORIGINAL: None}
SAVE_OPTIONS = {
    Format.WEBP: ("WEBP", {"quality": 80, "method": 2}),
    Format.JPEG: ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}
# The crops that depend on the focal point.
FOCAL_CROPS = [crop for crop, ratio in CROPS.items() if ratio]
EXTENSIONS = {Format.WEBP: "webp", Format.JPEG: "jpg"}


def _rendition_model():
    # Looked up, not imported: models.py imports this module, so imports flow one way.
    return apps.get_model("images", "Rendition")


def dimensions(file):
    """(width, height) of an uploaded image, read from its header, upright as shown (EXIF)."""
    position = file.tell() if hasattr(file, "tell") else None
    file.seek(0)
    try:
        with PILImage.open(file) as picture:
            width, height = picture.size
            orientation = picture.getexif().get(0x0112, 1)
    finally:
        if position is not None:
            file.seek(position)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def crop_box(size, ratio, focal_point):
    """The largest box of `ratio` inside `size`, centred on the focal point as far as the
    edges allow; the whole picture when ratio is None."""
    width, height = size
    if ratio is None:
        return 0, 0, width, height
    ratio_w, ratio_h = ratio
    if width * ratio_h > height * ratio_w:
        crop_w, crop_h = max(1, round(height * ratio_w / ratio_h)), height
    else:
        crop_w, crop_h = width, max(1, round(width * ratio_h / ratio_w))
    focal_x, focal_y = focal_point
    left = min(max(round(focal_x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal_y * height - crop_h / 2), 0), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def widths_for(available_width):
    """The configured widths up to the picture's own; a picture narrower than the largest
    also gets its full width, so the best it has is on offer."""
    widths = [w for w in settings.IMAGE_RENDITION_WIDTHS if w <= available_width]
    if available_width < max(settings.IMAGE_RENDITION_WIDTHS) and available_width not in widths:
        widths.append(available_width)
    return widths


def _open_upright(image):
    image.file.open("rb")
    try:
        with PILImage.open(image.file) as picture:
            picture.seek(0)  # an animated GIF: its first frame
            upright = ImageOps.exif_transpose(picture)
            if upright.mode in ("RGBA", "LA", "P"):
                upright = upright.convert("RGBA")
                background = PILImage.new("RGB", upright.size, (255, 255, 255))
                background.paste(upright, mask=upright.getchannel("A"))
                return background
            return upright.convert("RGB")
    finally:
        image.file.close()


def _name(image, crop, width, extension):
    stem = PurePosixPath(image.file.name).stem[:60]
    # The focal point is in the name: a moved focal point gives new URLs, never a cached old crop.
    focus = f"-{image.focal_x}x{image.focal_y}" if CROPS[crop] else ""
    return f"renditions/{image.pk}/{stem}-{crop}{focus}-{width}.{extension}"


def sized_and_encoded(cropped):
    """[(width, height, {format: file bytes})] of a cropped picture at each rendition width,
    widest first. Pure: the same picture always gives the same bytes."""
    sizes = []
    source = cropped
    for width in sorted(widths_for(cropped.width), reverse=True):
        height = max(1, round(width * cropped.height / cropped.width))
        # Each width from the one above it: the same sharpness for a fraction of the work.
        resized = source.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=2.0)
        source = resized
        encoded = {}
        for format, (pil_format, options) in SAVE_OPTIONS.items():
            buffer = io.BytesIO()
            resized.save(buffer, format=pil_format, **options)
            encoded[format] = buffer.getvalue()
        sizes.append((width, height, encoded))
    return sizes


def generate(image, crops=None):
    """Make and store the renditions of `image` for `crops` (all by default). Returns them."""
    Rendition = _rendition_model()
    picture = _open_upright(image)
    storage = Rendition._meta.get_field("file").storage
    made = []
    for crop in crops or CROPS:
        cropped = picture.crop(crop_box(picture.size, CROPS[crop], image.focal_point))
        for width, height, encoded in sized_and_encoded(cropped):
            for format, content in encoded.items():
                name = storage.save(_name(image, crop, width, EXTENSIONS[format]), ContentFile(content))
                made.append(
                    Rendition(image=image, crop=crop, format=format, width=width, height=height, file=name)
                )
    # ignore_conflicts: two first views of a page at once make the same renditions once.
    Rendition.objects.bulk_create(made, ignore_conflicts=True)
    return made


def delete_files(renditions):
    for rendition in renditions:
        rendition.file.delete(save=False)


def regenerate(image, crops=None):
    """After a new file or focal point: the old renditions of `crops` (all by default) go,
    new ones are made."""
    Rendition = _rendition_model()
    crops = list(crops or CROPS)
    old = list(Rendition.objects.filter(image=image, crop__in=crops))
    Rendition.objects.filter(pk__in=[r.pk for r in old]).delete()
    # Files go once the rows' deletion is committed (a rolled-back save keeps them).
    transaction.on_commit(lambda: delete_files(old))
    if hasattr(image, "_prefetched_objects_cache"):
        image._prefetched_objects_cache.pop("renditions", None)
    generate(image, crops)


def renditions_of(image, crop):
    """The renditions of one crop, narrowest first. Reads the prefetched renditions
    (images.querysets.with_renditions) without a query; an image whose renditions are missing
    (made before this release, or a new width setting) gets them now, once."""
    found = [r for r in image.renditions.all() if r.crop == crop]
    if not found and image.pk is not None:
        # The prefetched list may be older than the rows (a page object cached before).
        found = list(_rendition_model().objects.filter(image=image, crop=crop))
        if not found:
            found = _generate_late(image, crop)
    return sorted(found, key=lambda r: (r.width, r.format))


def _generate_late(image, crop):
    try:
        made = generate(image, [crop])
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError) as error:
        # A missing or unreadable file: the page shows no picture rather than an error.
        logger.warning("No renditions for image %s: %s", image.pk, error)
        return []
    # bulk_create sends no signal: pages cached without these renditions must go.
    transaction.on_commit(invalidate_page_cache)
    return made


def stored_dimensions(name):
    """(width, height) of a stored file, or (0, 0) when it is missing or no image."""
    storage = _rendition_model()._meta.get_field("file").storage
    try:
        with storage.open(name, "rb") as file:
            return dimensions(file)
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError):
        return 0, 0
