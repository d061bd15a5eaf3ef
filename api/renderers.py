"""The API's JSON: DRF's renderer, which also sends JSON rendered beforehand as it is.

Each article's JSON is rendered once and cached (cached.py); a page of the list is those
parts joined, with no decoding and encoding again of some 300 KB per request (the largest
CPU cost of a list request once the articles were cached, bench/RESULTS.md "Content API")."""

import json

from rest_framework import renderers


class RenderedJSON(bytes):
    """JSON text already rendered by JSONRenderer (so byte for byte what it would render)."""


def render(data):
    """`data` as the API's responses render it (bytes)."""
    return JSONRenderer().render(data)


def page(next_link, parts):
    """A page of a keyset list from its items' rendered JSON: what
    KeysetPagination.get_paginated_response() renders ({"next": ..., "results": [...]})."""
    link = render(next_link) if next_link is not None else b"null"  # render(None) is empty
    return RenderedJSON(b'{"next":%s,"results":[%s]}' % (link, b",".join(parts)))


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, RenderedJSON):
            if self.get_indent(accepted_media_type, renderer_context or {}) is None:
                return bytes(data)
            data = json.loads(data)  # "application/json; indent=4": the rare pretty print
        return super().render(data, accepted_media_type, renderer_context)
