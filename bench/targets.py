"""The pages the benchmark and the query check visit, picked from the loaded data.

URLs come from reverse(), so they follow the site's routes as they change. Picks are
deliberately the heavy cases: the most used topic and organisation, the largest section,
a deep listing page, a two-tag search over two popular topics that occur together, the
author with the most articles.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from articles.models import Article, ArticleTopic, Author, Organisation, Section, Topic

TEXT_QUERY = "privacy"


def pick_targets():
    published = Article.objects.published()
    article = published.order_by("-published_at", "-id")[500:501].get()
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    topic = Topic.objects.in_use().order_by("-num_articles").first()
    organisation = Organisation.objects.in_use().order_by("-num_articles").first()
    author = Author.objects.annotate(n=Count("articles")).order_by("-n").first()
    # The topic that most often shares an article with `topic`.
    partner_id = (
        ArticleTopic.objects.filter(content_object__topic_links__tag=topic)
        .exclude(tag=topic)
        .values("tag")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("tag", flat=True)
        .first()
    )
    partner = Topic.objects.get(pk=partner_id)
    pages = max(1, published.count() // settings.ARTICLES_PER_PAGE)
    search = reverse("search:search")
    return {
        "home": reverse("reader:home"),
        "article": article.get_absolute_url(),
        "article_list": reverse("reader:article_list"),
        "article_list_deep": reverse("reader:article_list") + f"?page={pages // 2}",
        "section": section.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "organisation": organisation.get_absolute_url(),
        "author": author.get_absolute_url(),
        "topic_list": reverse("reader:topic_list"),
        "organisation_list": reverse("reader:organisation_list"),
        "search_two_topics": search + "?" + urlencode([("topic", topic.slug), ("topic", partner.slug)]),
        "search_text": search + "?" + urlencode({"q": TEXT_QUERY}),
        "_objects": {"article": article, "topic": topic, "partner": partner},
    }


def pick_api_targets():
    """The Content API's requests (bench/api.py): the first page, the search's filters at
    once (the heaviest topic within the largest section, English), two popular topics, one
    article by slug, and a page half-way through all published articles by cursor."""
    from api.pagination import ArticlePagination

    picks = pick_targets()
    objects = picks["_objects"]
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    published = Article.objects.published().order_by("-published_at", "-id")
    middle = published[published.count() // 2 :][:1].get()
    articles = reverse("api:article_list")
    return {
        "api_list": articles,
        "api_list_filters": articles
        + "?"
        + urlencode({"topic": objects["topic"].slug, "section": section.slug, "lang": "en"}),
        "api_list_two_topics": articles
        + "?"
        + urlencode([("topic", objects["topic"].slug), ("topic", objects["partner"].slug)]),
        "api_article": reverse("api:article_detail", args=[objects["article"].slug]),
        "api_list_deep": articles + "?" + urlencode({"cursor": ArticlePagination().encode(middle)}),
    }
