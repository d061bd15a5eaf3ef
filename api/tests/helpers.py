"""Walking the API's lists as a client does: page after page by the `next` links."""

from urllib.parse import urlsplit


def walk(client, url, pages=None, between=None):
    """Every item of a list, following `next` to the end. `between(n)` runs after page n."""
    items, n = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        items += body["results"]
        n += 1
        if between is not None:
            between(n)
        url = body["next"]
        if url:
            parts = urlsplit(url)
            url = f"{parts.path}?{parts.query}"
        assert pages is None or n <= pages, "more pages than expected"
    return items


def ids(items):
    return [item["id"] for item in items]
