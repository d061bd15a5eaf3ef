"""Revision history of articles (django-reversion): what a revision holds, and the baseline
revision recorded before the admin first changes an article made elsewhere. Restoring and
the history screens are ArticleAdmin's (admin.py)."""

import reversion
from reversion.models import Version

from articles.models import Article, ArticleOrganisation, ArticleTopic

# An article's revision holds its own fields and authors (a plain M2M, serialized with it) and,
# through `follow`, its tag links, so restoring a version brings its topics and organisations
# back. `version` is the edit-conflict counter: it must only ever go up, so it is not restored.
# Nor is `translation`: the link is kept on both articles (Article.save), and the old partner
# may have been linked to another article since; restoring keeps the current link.
# The TaggableManagers are not serializable fields; their links are followed instead.
reversion.register(ArticleTopic)
reversion.register(ArticleOrganisation)
reversion.register(
    Article,
    exclude=("version", "translation", "topics", "organisations"),
    follow=("topic_links", "organisation_links"),
)


def ensure_baseline_revision(article):
    """Articles made outside the admin (the loader, scripts) have no revision yet: record
    their current state before the admin first changes them, so that change can be undone."""
    if not Version.objects.get_for_object(article).exists():
        with reversion.create_revision():
            reversion.add_to_revision(article)
            reversion.set_comment("As it was before its first change in the admin.")
