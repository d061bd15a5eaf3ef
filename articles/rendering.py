"""Markdown as editors write it, rendered to HTML that is safe to show readers.

Library images are written `![alt](image:42)` (the chooser writes it; 42 is the image's id).
nh3 keeps such a src on <img> only, in exactly that form; after sanitizing, each becomes the
site's responsive <picture> (images/html.py), built from the library's own data with every
value escaped. A paragraph holding nothing but the image becomes a <figure> with the caption
and credit. An id that is not in the library renders nothing (Article.clean refuses it).
"""

import html
import re

import markdown
import nh3
from django.utils.html import format_html, format_html_join

# What article bodies may contain after rendering: prose, lists, quotes, code,
# tables, images and links. Everything else (script, style, iframes, event
# handlers, javascript:/data: URLs) is stripped by nh3.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# "image" only for the library references above; attribute_filter drops it anywhere else.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "image"}
_H1 = re.compile(r"<(/?)h1(\s[^>]*)?>", re.IGNORECASE)
IMAGE_REFERENCE = re.compile(r"image:([1-9][0-9]{0,17})")
# nh3's output: attributes double-quoted, quotes inside values escaped.
_LIBRARY_IMG = re.compile(r'(<p>)?<img ([^>]*?)src="image:([0-9]+)"([^>]*)>(</p>)?')
_ALT = re.compile(r'\balt="([^"]*)"')
# Body images fill the text column (the story's measure, 40rem) or the phone's width.
BODY_IMAGE_SIZES = "(min-width: 44rem) 40rem, 100vw"


def _keep_library_references_on_images_only(tag, attribute, value):
    if value.lower().startswith("image:") and not (
        tag == "img" and attribute == "src" and IMAGE_REFERENCE.fullmatch(value)
    ):
        return None
    return value


def referenced_image_ids(text):
    """The library image ids a Markdown text places, in order."""
    return [int(n) for n in re.findall(r"\]\(\s*<?image:([0-9]{1,18})", text or "")]


def render_markdown(text):
    """Render Markdown to sanitized HTML."""
    rendered = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    # The article title is the page's only <h1>: a "# heading" in the body becomes <h2>.
    rendered = _H1.sub(r"<\1h2\2>", rendered)
    rendered = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_keep_library_references_on_images_only,
    )
    return _library_images(rendered)


def _library_images(rendered):
    ids = {int(match[2]) for match in _LIBRARY_IMG.findall(rendered)}
    if not ids:
        return rendered
    from images.html import picture_html
    from images.models import Image

    images = Image.objects.with_renditions().in_bulk(ids)

    def replace(match):
        opening, before, image_id, after, closing = match.groups()
        image = images.get(int(image_id))
        if image is None:
            return (opening or "") + (closing or "")
        # The alt the body gives (nh3 escaped it), else the library's.
        written_alt = _ALT.search(before + after)
        alt = html.unescape(written_alt[1]) if written_alt and written_alt[1] else image.alt_text
        picture = picture_html(image, crop="original", sizes=BODY_IMAGE_SIZES, alt=alt)
        if opening and closing:
            parts = [format_html("{}", image.caption)] if image.caption else []
            if image.credit:
                parts.append(format_html('<span class="credit">{}</span>', image.credit))
            caption = format_html(
                "<figcaption>{}</figcaption>", format_html_join(" ", "{}", ((p,) for p in parts))
            )
            return format_html('<figure class="body-image">{}{}</figure>', picture, caption if parts else "")
        return (opening or "") + picture + (closing or "")

    return _LIBRARY_IMG.sub(replace, rendered)
