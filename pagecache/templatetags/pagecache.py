"""{% generation_cache %}: a block of a template rendered once until what it shows changes."""

from django import template
from django.utils.translation import get_language

from ..fragments import generation_cached
from ..surrogate import keys_so_far

register = template.Library()


class GenerationCacheNode(template.Node):
    def __init__(self, nodelist, name, key_parts):
        self.nodelist = nodelist
        self.name = name
        self.key_parts = key_parts

    def render(self, context):
        parts = [str(part.resolve(context)) for part in self.key_parts]
        key = ":".join([self.name, *parts, get_language() or ""])
        # The block shows part of the page: the keys the page declared (views declare
        # theirs before the template renders) cover it. Outside a page: every change.
        return generation_cached(f"template:{key}", lambda: self.nodelist.render(context), keys=keys_so_far())


@register.tag
def generation_cache(parser, token):
    """{% generation_cache "name" key ... %}...{% endgeneration_cache %}: the block rendered
    once until the content of the page's surrogate keys changes
    (pagecache.fragments.generation_cached) for each key and
    language. Only for markup that depends on nothing but content, the keys and the
    language: no request, no user, no absolute URL (the host is not part of the key)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name")
    nodelist = parser.parse(("endgeneration_cache",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return GenerationCacheNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])
