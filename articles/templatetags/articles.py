"""Template helpers for the readers' pages: absolute URLs, the JSON-LD data block,
page ranges for pagination and the sections in the main navigation."""
import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language

from ..cache import generation_cached
from ..models import Section

register = template.Library()

# As django.utils.html.json_script escapes: "</script>", "<!--" and "&" inside the data
# cannot end the block or start markup, because <, > and & never appear literally.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The absolute URL of a path on this site, for canonical links, OpenGraph and feeds."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without query noise; page N > 1 of a listing keeps ?page=N."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        url += f"?page={page_obj.number}"
    return url


def json_ld_script(data):
    """A <script type="application/ld+json"> data block, escaped like json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),
    )


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """schema.org NewsArticle for one article page."""
    request = context["request"]
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.standfirst,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": article.section.name,
        "keywords": [topic.name for topic in article.topics.all()],
        "author": [
            {"@type": "Person", "name": author.name} for author in article.authors.all()
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static("img/logo.svg")),
            },
        },
        # Local time with its offset, as the page's <time> elements and meta tags show it.
        "dateModified": localtime(article.updated_at).isoformat(),
    }
    if article.published_at:
        data["datePublished"] = localtime(article.published_at).isoformat()
    if article.hero_image:
        data["image"] = [request.build_absolute_uri(article.hero_image.url)]
    return json_ld_script(data)


@register.simple_tag
def page_range(page_obj):
    """Page numbers around the current one, with Paginator.ELLIPSIS for the gaps."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)


@register.simple_tag
def navigation_sections():
    """The sections for the main navigation: one small query, once per content generation
    (every page shows them)."""
    return generation_cached("navigation-sections", lambda: list(Section.objects.only("name", "slug")))



class GenerationCacheNode(template.Node):
    def __init__(self, nodelist, name, key_parts):
        self.nodelist = nodelist
        self.name = name
        self.key_parts = key_parts

    def render(self, context):
        parts = [str(part.resolve(context)) for part in self.key_parts]
        key = ":".join([self.name, *parts, get_language() or ""])
        return generation_cached(f"template:{key}", lambda: self.nodelist.render(context))


@register.tag
def generation_cache(parser, token):
    """{% generation_cache "name" key ... %}...{% endgeneration_cache %}: the block rendered
    once per content generation (articles.cache.generation_cached) for each key and
    language. Only for markup that depends on nothing but content, the keys and the
    language: no request, no user, no absolute URL (the host is not part of the key)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name")
    nodelist = parser.parse(("endgeneration_cache",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return GenerationCacheNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])
