"""
Search published articles by topics, organisations, section and words.

`ArticleSearch.from_query_dict(request.GET)` reads and cleans the parameters
(`q`, `topic`, `org`, `section`; repeatable, unknown and hostile values tolerated);
`.results()`, `.facets()` and `.active_filters()` give what the page shows.

Semantics
- Every chosen topic, organisation and section must hold (AND), each article listed once.
  Tag parameters are slugs ("香港ai"); a tag's name, any case, is accepted too, in English
  or in Chinese (`?topic=金融科技` finds the topic fintech whose Chinese name that is).
- Articles in both languages are searched. Where an article and its translation both
  match, the one in the page's language is listed (ArticleQuerySet.for_language); where
  only one matches, that one is, whatever its language.
- Words (`q`) follow web-search syntax on both databases: all words must match,
  `"a phrase"`, `-excluded`, `a or b`.
  PostgreSQL: full-text search (weighted title A / standfirst B / body C, `websearch`
  query, ranked) on a stored, GIN-indexed document (migration 0007). Its parsers do not
  segment Chinese (a run of CJK characters is one token), so terms containing CJK match
  by substring instead, kept indexed by a pg_trgm GIN index (migration 0004; see its
  notes for the limits).
  SQLite: every term matches by substring in title, standfirst or body; ranked by where the
  terms matched (title above standfirst above body), then newest.
  Words PostgreSQL does not index (stopwords: "the", "it") are left out rather than
  matching nothing.
- A search with words ranks the newest MAX_RANKED matches (both databases): a word
  that nearly every article holds ("AI") would otherwise rank the whole archive (seconds
  at 100,000 articles). Results, their count and the facets are those matches; the page
  says so when the limit is reached.
- Everything starts from `Article.objects.published()`: drafts and scheduled articles never
  appear in results or facet counts.

Bulk inserts need nothing: a trigger fills the stored document on every insert and on every
change of title, standfirst or body (migration 0007), and the trigram index is an expression
index, so rows from `bulk_create`, fixtures or raw SQL are searchable at once.

The modules: query.py (cleaning and parsing the words, pure Python), backends.py (matching
them on PostgreSQL and on SQLite), search.py (ArticleSearch: filters, results, facets),
views.py (the page).
"""
