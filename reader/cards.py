"""What listings repeat for each of their items: an article's card and its byline, as the
lists, the front page and the search results show them ({% article_card %} and
{% byline %}, templatetags/reader.py), and the entries of the topic and organisation
directories, each with its count ({% topic_index_items %}, {% count_list_items %}).

Built here rather than in included templates because a listing repeats them for each of its
articles: an included template resolves each of its variables through the whole context
stack and looks up its translations again, and on a list page those includes were most of
the render (bench/RESULTS.md, "Cold pages: templates"). The markup is the site's usual card;
every text goes through escaped(), so it is escaped unless it is already safe (the search's
marked titles and snippets, search/highlight.py)."""

import html

from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext, npgettext, pgettext

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


def escaped(value):
    """`value` as HTML text: escaped as Django escapes (html.escape), unless it is already
    safe markup (a SafeString, or anything with __html__). The cards are assembled with it
    rather than format_html, whose lazy-string checks cost more than the card itself."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def author_names(authors):
    """The byline's names, each a link to the author's page, in the page's language:
    "Ada", "Ada and Ben", "Ada, Ben and Cy", with the separators in the page's language.
    `authors` is iterated once (a prefetched .all(): no query)."""
    names = [
        f'<a class="author" href="{escaped(author.get_absolute_url())}">{escaped(author.localized_name)}</a>'
        for author in authors
    ]
    if len(names) > 1:
        between = escaped(pgettext("byline, between authors", ", "))
        last = escaped(pgettext("byline, before the last author", " and "))
        names = [between.join(names[:-1]) + last + names[-1]]
    return mark_safe("".join(names))


def byline(article):
    """<p class="byline">: the authors, the publication date and the reading time."""
    parts = []
    authors = article.authors.all()
    if authors:
        by = escaped(pgettext("byline: By Ada Chan and Ben Wong", "By"))
        parts.append(f'<span class="authors">{by} {author_names(authors)}</span>')
    if article.published_at:
        when = localtime(article.published_at)
        parts.append(
            f'<time datetime="{escaped(machine_datetime(when))}">{escaped(date_format(when, "DATE_FORMAT"))}</time>'
        )
    if article.reading_minutes:
        minutes = article.reading_minutes
        reading = ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {"minutes": minutes}
        parts.append(f'<span class="reading-time">{escaped(reading)}</span>')
    return mark_safe(f'<p class="byline">{" ".join(parts)}</p>')


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
    topics=None,
):
    """<article class="card">: the picture, the section, the title, the standfirst, the
    byline and the first topics. `heading` is the title's element (h2 in a list, h3 under a
    heading); `title`, `standfirst` and `snippet` replace the article's own texts (the
    search's, with the matched words marked); `topics` the article's topics where they were
    prefetched into a list (the search's `listed_topics`); `eager_image` for a card above
    the fold."""
    if heading not in CARD_HEADINGS:
        raise ValueError(f"A card's heading is one of {CARD_HEADINGS}, not {heading!r}")
    url = escaped(article.get_absolute_url())
    # The texts of an article in another language than the page's say which.
    lang = (
        "" if article.language == translation.get_language() else f' lang="{escaped(article.language_tag)}"'
    )
    classes = " ".join(filter(None, ["card", card_class, "card-with-image" if article.hero else ""]))
    parts = []
    if article.hero:
        picture = picture_html(article.hero, crop=Crop.WIDE, sizes=image_sizes, lazy=not eager_image)
        parts.append(
            f'<a class="card-image" href="{url}" tabindex="-1" aria-hidden="true">{escaped(picture)}</a>'
        )
    section = article.section
    parts.append(
        f'<p class="kicker"><a href="{escaped(section.get_absolute_url())}">{escaped(section.localized_name)}</a></p>'
    )
    title = article.title if title is None else title
    title_classes = " ".join(filter(None, ["card-title", title_class]))
    parts.append(
        f'<{heading} class="{escaped(title_classes)}"{lang}><a href="{url}">{escaped(title)}</a></{heading}>'
    )
    if article.standfirst:
        standfirst = article.standfirst if standfirst is None else standfirst
        parts.append(f'<p class="card-standfirst"{lang}>{escaped(standfirst)}</p>')
    if snippet:
        parts.append(f'<p class="search-result__snippet"{lang}>{escaped(snippet)}</p>')
    parts.append(byline(article))
    topics = (article.topics.all() if topics is None else topics)[:CARD_TOPICS]
    if topics:
        links = "".join(
            f'<li><a href="{escaped(topic.get_absolute_url())}">{escaped(topic.localized_name)}</a></li>'
            for topic in topics
        )
        parts.append(f'<ul class="tag-list" aria-label="{escaped(gettext("Topics"))}">{links}</ul>')
    body = "\n  ".join(parts)
    return mark_safe(f'<article class="{escaped(classes)}">\n  {body}\n</article>\n')


def topic_index_items(topics):
    """The <li>s of the topics' directory: each topic's link, with its count of articles
    (`num_articles`) inside it, said in full for screen readers."""
    items = []
    for topic in topics:
        count = topic.num_articles
        noun = npgettext("after a count, for screen readers", "article", "articles", count)
        items.append(
            f'<li><a href="{escaped(topic.get_absolute_url())}">{escaped(topic.localized_name)} '
            f'<span class="count"><span class="visually-hidden">(</span>{count}'
            f'<span class="visually-hidden"> {escaped(noun)})</span></span></a></li>'
        )
    return mark_safe("\n".join(items))


def count_list_items(tags):
    """The <li>s of a count list (the organisations' directory): each tag's link, then its
    count of articles (`num_articles`), in full in its title."""
    items = []
    for tag in tags:
        count = tag.num_articles
        title = ngettext("%(counter)s article", "%(counter)s articles", count) % {"counter": count}
        items.append(
            f'<li><a href="{escaped(tag.get_absolute_url())}">{escaped(tag.localized_name)}</a> '
            f'<span class="count" title="{escaped(title)}">{count}</span></li>'
        )
    return mark_safe("".join(items))
