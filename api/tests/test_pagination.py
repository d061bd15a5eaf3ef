"""Walking every article page by page while the newsroom publishes: nothing skipped, nothing
twice, whatever arrives meanwhile and however many articles share a publication time."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article

from .helpers import ids, walk

TOTAL = 2500


def test_walking_thousands_of_articles_while_new_ones_arrive(client, section, db):
    start = timezone.now() - timedelta(days=30)
    # Groups of five share one publication time: the cursor must order ties by id.
    Article.objects.bulk_create(
        Article(
            title=f"Story {n}",
            slug=f"story-{n}",
            body="Body.",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=start + timedelta(minutes=n // 5),
        )
        for n in range(TOTAL)
    )
    existing = set(Article.objects.values_list("pk", flat=True))
    inserted = []

    def publish_meanwhile(page):
        # New articles at the top, and one in the same second as older ones (a tie).
        now = timezone.now()
        for when in (now, start + timedelta(minutes=(TOTAL - page * 100) // 5)):
            inserted.append(
                Article.objects.create(
                    title=f"Arrived after page {page}",
                    slug=f"arrived-{page}-{len(inserted)}",
                    body="Body.",
                    section=section,
                    status=Article.Status.PUBLISHED,
                    published_at=when,
                ).pk
            )

    listed = ids(walk(client, "/api/v1/articles/?page_size=100", between=publish_meanwhile))
    assert len(listed) == len(set(listed)), "an article was listed twice"
    assert existing <= set(listed), f"{len(existing - set(listed))} articles were skipped"
    assert set(listed) - existing <= set(inserted)
    assert len(inserted) >= 2 * (TOTAL // 100)


def test_page_size_has_a_maximum_and_a_default(client, make_article, settings):
    for _ in range(5):
        make_article()
    settings.API_PAGE_SIZE, settings.API_MAX_PAGE_SIZE = 2, 3
    assert len(client.get("/api/v1/articles/").json()["results"]) == 2
    assert len(client.get("/api/v1/articles/?page_size=3").json()["results"]) == 3
    assert client.get("/api/v1/articles/?page_size=4").status_code == 400
