"""
HKAI's public, read-only Content API under /api/v1/ (Django REST framework, OpenAPI 3 schema
by drf-spectacular, documentation page at /api/v1/docs/).

- Only what the one publication rule allows: every queryset starts from
  `Article.objects.published()` (articles) or from tags' and authors' public() rule.
- The article list's filters are the site search's (search/search.py's ArticleSearch): same
  parameters, same resolution of tags by slug or name, same AND; the API adds `lang`,
  `author` and time bounds on top (filters.py).
- Keyset (cursor) pagination over (published_at, id): stable while articles arrive
  (pagination.py).
- HTTP caching is the pages' (pagecache/): views declare surrogate keys, the page cache
  middleware adds ETag, Last-Modified, 304s and Cache-Control. The rate limit
  (middleware.py) counts per client address in the shared cache, cached answers included.
"""
