"""
The page cache: whole public pages for anonymous readers, shared by every app server.

Why whole pages: a hit costs one cache round trip and no database query or template
rendering, whatever the page (bench/RESULTS.md has the numbers). Why a middleware rather
than per-view decorators: the views stay thin and the rules live in one place.

How every app server sees a change on its next request, and only where it matters:
- Every stored page and value records the versions of its surrogate keys (the keys its page
  sends to the edge; "site" on all); the versions live in the shared cache (Redis when
  REDIS_URL is set). A save or delete that readers can see (the content app says which keys
  it affects; a draft or an autosave affects none) bumps exactly those keys (signals.py,
  after the transaction commits), so on every server the next lookup of a page showing one
  of them misses, and every other page stays a hit. A hit is two round trips (page and
  schedule, then its keys' versions) and no database query.
- Scheduled articles become public (and expiring ones go) when their time passes, with no
  save to send a signal. The earliest such time is kept beside the generation counter; the
  first request after it asks the content app which keys the changes since then touch, and
  bumps them. It is read again once a cache lifetime old (PAGE_CACHE_SECONDS), which
  catches an article scheduled too far ahead for its save to bump anything.
- Code that changes content without signals (QuerySet.update(), bulk_create, raw SQL, a
  deploy with new templates) must call `invalidate_page_cache()` (or run
  `manage.py invalidate_page_cache`): it bumps "site", on every page and value.

What is never cached: anything but GET/HEAD; requests carrying a session cookie (staff
and anyone logged in see fresh pages); responses other than 200; responses that set a
cookie or that will get one (CSRF token used, session written); responses that vary on
Cookie themselves or opt out with Cache-Control private/no-cache/no-store/max-age=0
(`never_cache`); streaming responses; paths under PAGE_CACHE_EXCLUDED_PATHS (the admin).
Paths under PAGE_CACHE_PASSTHROUGH_PATHS (uploaded images) keep their own caching headers.

An edge in front (Varnish, a CDN) gets the HTTP caching contract (surrogate.py: public
Cache-Control with s-maxage, ETag/Last-Modified and 304s, the page's surrogate keys) and
exactly the affected keys purged after each commit (purge.py: a pluggable backend, retried,
never failing the save); unaffected pages stay at the edge. A missing page or value is
computed by one worker while the others wait (single flight, fragments.py).

With the local-memory cache (no REDIS_URL) the cache is per process: correct for one
process (runserver), not for several gunicorn workers; gunicorn.conf.py switches the page
and fragment caches off in that case. A change in another process (a command: restore,
invalidate_page_cache; another worker) reaches the running server through a stamp file,
and makes it start afresh (it cannot see the other process's versions).

The modules: generation.py (key versions, the generation counter, the schedule;
clear_site_cache),
surrogate.py (headers and keys), purge.py (edge purges), fragments.py
(values and template blocks kept until their keys change: `generation_cached`,
`{% generation_cache %}`), middleware.py (whole pages), signals.py (which keys a change
bumps). This app imports no content app: the content app tells it, from its
AppConfig.ready(), which models to watch and how to find the next scheduled
publication (`pagecache.signals.watch`).
"""
