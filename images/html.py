"""The one responsive picture markup of the site: <picture> with a WebP source and a JPEG
<img> that has srcset, sizes, width and height (the browser reserves the space before the
file arrives: no layout shift), lazy unless it is above the fold. The template tag
{% picture %} (templatetags/images.py) and body images (articles/rendering.py) use it."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .choices import Crop, Format
from .renditions import renditions_of

# The JPEG an old browser without srcset shows: the rendition nearest this width.
FALLBACK_WIDTH = 800
# Where a phone's own crop takes over: static/css/site.css's phone layout, the same width.
PHONE_MEDIA = "(max-width: 47.99rem)"


def srcset(renditions):
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


def by_format(renditions):
    return (
        [r for r in renditions if r.format == Format.WEBP],
        [r for r in renditions if r.format == Format.JPEG],
    )


def phone_sources(image, crop):
    """<source>s of another crop for phones (art direction): WebP, then JPEG, each with the
    crop's width and height, so the browser reserves the phone's shape too."""
    webps, jpegs = by_format(renditions_of(image, crop))
    if not jpegs:
        return ""
    largest = jpegs[-1]
    return format_html_join(
        "",
        '<source media="{}"{} srcset="{}" sizes="100vw" width="{}" height="{}">',
        [
            (PHONE_MEDIA, kind, srcset(found), largest.width, largest.height)
            for kind, found in ((mark_safe(' type="image/webp"'), webps), ("", jpegs))
            if found
        ],
    )


def picture_html(image, crop=Crop.WIDE, sizes="100vw", lazy=True, alt=None, img_class="", phone_crop=None):
    """<picture> markup for `image` (its renditions prefetched), or "" when it has none.
    `phone_crop`: another crop that phones show instead (a shorter one for a hero)."""
    webps, jpegs = by_format(renditions_of(image, crop))
    if not jpegs:
        return ""
    largest = jpegs[-1]
    fallback = min(jpegs, key=lambda r: abs(r.width - FALLBACK_WIDTH))
    return format_html(
        '<picture>{phone}<source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        '<img src="{src}" srcset="{jpeg}" sizes="{sizes}" width="{width}" height="{height}" alt="{alt}"'
        "{img_class}{loading}></picture>",
        phone=phone_sources(image, phone_crop) if phone_crop else "",
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


def rendition_of_width(image, width, crop=Crop.WIDE, format=Format.JPEG):
    """The rendition nearest `width` without going under it when it can (OpenGraph's 1200)."""
    renditions = [r for r in renditions_of(image, crop) if r.format == format]
    if not renditions:
        return None
    wide_enough = [r for r in renditions if r.width >= width]
    return wide_enough[0] if wide_enough else renditions[-1]
