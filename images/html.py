"""The one responsive picture markup of the site: <picture> with a WebP source and a JPEG
<img> that has srcset, sizes, width and height (the browser reserves the space before the
file arrives: no layout shift), lazy unless it is above the fold. The template tag
{% picture %} (templatetags/images.py) and body images (articles/rendering.py) use it."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import Rendition
from .renditions import renditions_of

# The JPEG an old browser without srcset shows: the rendition nearest this width.
FALLBACK_WIDTH = 800


def srcset(renditions):
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


def picture_html(image, crop=Rendition.Crop.WIDE, sizes="100vw", lazy=True, alt=None, img_class=""):
    """<picture> markup for `image` (its renditions prefetched), or "" when it has none."""
    renditions = renditions_of(image, crop)
    jpegs = [r for r in renditions if r.format == Rendition.Format.JPEG]
    webps = [r for r in renditions if r.format == Rendition.Format.WEBP]
    if not jpegs:
        return ""
    largest = jpegs[-1]
    fallback = min(jpegs, key=lambda r: abs(r.width - FALLBACK_WIDTH))
    return format_html(
        '<picture><source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        '<img src="{src}" srcset="{jpeg}" sizes="{sizes}" width="{width}" height="{height}" alt="{alt}"'
        "{img_class}{loading}></picture>",
        webp=srcset(webps),
        sizes=sizes,
        src=fallback.url,
        jpeg=srcset(jpegs),
        width=largest.width,
        height=largest.height,
        alt=image.alt_text if alt is None else alt,
        img_class=format_html(' class="{}"', img_class) if img_class else "",
        loading=mark_safe(' loading="lazy" decoding="async"' if lazy else ' fetchpriority="high"'),
    )


def rendition_of_width(image, width, crop=Rendition.Crop.WIDE, format=Rendition.Format.JPEG):
    """The rendition nearest `width` without going under it when it can (OpenGraph's 1200)."""
    renditions = [r for r in renditions_of(image, crop) if r.format == format]
    if not renditions:
        return None
    wide_enough = [r for r in renditions if r.width >= width]
    return wide_enough[0] if wide_enough else renditions[-1]
