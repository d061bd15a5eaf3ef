"""An article's card and its byline, as every listing shows them: the lists, the front page
and the search results ({% article_card %} and {% byline %}, templatetags/reader.py).

Built here rather than in included templates because a listing repeats them for each of its
articles: an included template resolves each of its variables through the whole context
stack and looks up its translations again, and on a list page those includes were most of
the render (bench/RESULTS.md, "Cold pages: templates"). The markup is the site's usual card;
every text goes through format_html, so it is escaped unless it is already safe (the search's
marked titles and snippets, search/highlight.py)."""

from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext, pgettext

from images.choices import Crop
from images.html import picture_html

# A card's picture: a column beside the text on a wide screen, the full width on a phone.
CARD_IMAGE_SIZES = "(min-width: 40rem) 14rem, 100vw"
# A card shows its first topics only; the article's page shows them all.
CARD_TOPICS = 3
# The elements a card's title may be: its place in the page's outline.
CARD_HEADINGS = ("h2", "h3", "h4")


def machine_datetime(value):
    """A date and time for machines (<time datetime>, article:published_time, JSON-LD): ISO
    8601 in local time with its offset, to the second. Django's date:"c" prints
    microseconds, which HTML's datetime attribute refuses (three digits of a second at most)."""
    if not value:
        return ""
    return localtime(value).replace(microsecond=0).isoformat()


def author_names(authors):
    """The byline's names, each a link to the author's page, in the page's language:
    "Ada", "Ada and Ben", "Ada, Ben and Cy", with the separators in the page's language.
    `authors` is iterated once (a prefetched .all(): no query)."""
    names = [
        format_html('<a class="author" href="{}">{}</a>', author.get_absolute_url(), author.localized_name)
        for author in authors
    ]
    if len(names) < 2:
        return format_html_join("", "{}", ((name,) for name in names))
    between = pgettext("byline, between authors", ", ")
    last = pgettext("byline, before the last author", " and ")
    return format_html("{}{}{}", format_html_join(between, "{}", ((n,) for n in names[:-1])), last, names[-1])


def byline(article):
    """<p class="byline">: the authors, the publication date and the reading time."""
    parts = []
    authors = article.authors.all()
    if authors:
        by = pgettext("byline: By Ada Chan and Ben Wong", "By")
        parts.append(format_html('<span class="authors">{} {}</span>', by, author_names(authors)))
    if article.published_at:
        parts.append(
            format_html(
                '<time datetime="{}">{}</time>',
                machine_datetime(article.published_at),
                date_format(localtime(article.published_at), "DATE_FORMAT"),
            )
        )
    if article.reading_minutes:
        minutes = article.reading_minutes
        reading = ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {"minutes": minutes}
        parts.append(format_html('<span class="reading-time">{}</span>', reading))
    return format_html('<p class="byline">{}</p>', mark_safe(" ".join(parts)))


def other_language(article):
    """' lang="…"' on the texts of an article in another language than the page's, else ""."""
    if article.language == translation.get_language():
        return ""
    return format_html(' lang="{}"', article.language_tag)


def article_card(
    article,
    heading="h2",
    eager_image=False,
    card_class="",
    image_sizes=CARD_IMAGE_SIZES,
    title_class="",
    title=None,
    standfirst=None,
    snippet=None,
):
    """<article class="card">: the picture, the section, the title, the standfirst, the
    byline and the first topics. `heading` is the title's element (h2 in a list, h3 under a
    heading); `title`, `standfirst` and `snippet` replace the article's own texts (the
    search's, with the matched words marked); `eager_image` for a card above the fold."""
    if heading not in CARD_HEADINGS:
        raise ValueError(f"A card's heading is one of {CARD_HEADINGS}, not {heading!r}")
    url = article.get_absolute_url()
    lang = other_language(article)
    classes = " ".join(["card", *filter(None, [card_class]), *(["card-with-image"] if article.hero else [])])
    parts = []
    if article.hero:
        picture = picture_html(article.hero, crop=Crop.WIDE, sizes=image_sizes, lazy=not eager_image)
        parts.append(
            format_html(
                '<a class="card-image" href="{}" tabindex="-1" aria-hidden="true">{}</a>', url, picture
            )
        )
    section = article.section
    parts.append(
        format_html(
            '<p class="kicker"><a href="{}">{}</a></p>', section.get_absolute_url(), section.localized_name
        )
    )
    parts.append(
        format_html(
            '<{heading} class="{classes}"{lang}><a href="{url}">{title}</a></{heading}>',
            heading=mark_safe(heading),
            classes=" ".join(["card-title", *filter(None, [title_class])]),
            lang=lang,
            url=url,
            title=article.title if title is None else title,
        )
    )
    if article.standfirst:
        text = article.standfirst if standfirst is None else standfirst
        parts.append(format_html('<p class="card-standfirst"{}>{}</p>', lang, text))
    if snippet:
        parts.append(format_html('<p class="search-result__snippet"{}>{}</p>', lang, snippet))
    parts.append(byline(article))
    topics = list(article.topics.all()[:CARD_TOPICS])
    if topics:
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((topic.get_absolute_url(), topic.localized_name) for topic in topics),
        )
        parts.append(format_html('<ul class="tag-list" aria-label="{}">{}</ul>', gettext("Topics"), links))
    return format_html('<article class="{}">\n  {}\n</article>\n', classes, mark_safe("\n  ".join(parts)))
