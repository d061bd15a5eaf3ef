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
  at 100,000 articles). They are found once per search, as a list of ids
  (ArticleSearch._ranked_candidates: on PostgreSQL a walk down the publication order for a
  common word, the GIN index's matches for a rare one, Chinese words judged by the words
  index's own estimate), ranked as they are found, each story once (_match_ids); results, their
  count and the facets are those ids (one array parameter on PostgreSQL), and the page
  reads only its own rows by id (RankedResults); it says so when the limit is reached.
- Everything starts from `Article.objects.published()`: drafts and scheduled articles never
  appear in results or facet counts.

Bulk inserts need nothing: a trigger fills the stored document on every insert and on every
change of title, standfirst or body (migration 0007), and the trigram index is an expression
index, so rows from `bulk_create`, fixtures or raw SQL are searchable at once.

Chinese (issue 13): text and queries are folded to one script (core.text.fold_chinese:
Traditional to Simplified, OpenCC's character table) and their CJK runs cut into words
(words.py, rjieba); words are indexed per article in `search_articlewords` (index.py; a
GIN-indexed tsvector on PostgreSQL, FTS5 on SQLite; migration search 0001), kept in sync on
save and delete, `manage.py search_index` after bulk loads. CJK terms match by word there
on both databases (backends.py), English as described above.

How a new word enters the dictionary: every topic, organisation and section name (both
languages) is a word: loaded from the database when a process first segments, and added at
once in the process that saves a new one (apps.py); other processes learn it when they
restart. Other words (names that are not tags): add a line to search/dictionary.txt. Articles
indexed before a word existed keep their old cut until `manage.py search_index` runs (their
single characters are indexed too, so they are still found, less precisely).

The modules: query.py (cleaning and parsing the words, pure Python), backends.py (matching
them on PostgreSQL and on SQLite), search.py (ArticleSearch: filters, results, facets),
views.py (the page and the suggestions' JSON), words.py, index.py, spelling.py ("did you
mean"), highlight.py (matched words in <mark> in titles, standfirsts and a body snippet),
suggest.py (names as one types), middleware.py (the suggestions' rate limit).
"""
