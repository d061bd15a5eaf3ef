"""Markdown as editors write it, rendered to HTML that is safe to show readers."""

import re

import markdown
import nh3

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
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
_H1 = re.compile(r"<(/?)h1(\s[^>]*)?>", re.IGNORECASE)


def render_markdown(text):
    """Render Markdown to sanitized HTML."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    # The article title is the page's only <h1>: a "# heading" in the body becomes <h2>.
    html = _H1.sub(r"<\1h2\2>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
