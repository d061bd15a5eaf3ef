"""Who may do what in the newsroom. Writers (articles/roles.py) see and change only the
articles they created, and only while they are drafts or in review; Editors (the publish permission)
see, change, publish and schedule every article. ArticleAdmin (admin.py) applies these on
every admin URL; the readers' site applies the same rule for previews
(ArticleQuerySet.visible_to)."""

from articles.models import Article
from articles.roles import PUBLISH_PERMISSION


def may_publish(request):
    return request.user.has_perm(PUBLISH_PERMISSION)


def may_create_organisations(request):
    """Writers pick existing organisations; Editors may also type new ones."""
    return request.user.has_perm("articles.add_organisation")


def owns(request, article):
    return article.created_by_id is not None and article.created_by_id == request.user.pk


def may_change(request, article):
    """Editors change any article; a writer their own draft, or their own article while it
    waits in review (to take it back): once published, it is the editors' to change (or
    delete)."""
    return may_publish(request) or (
        owns(request, article) and article.status in (Article.Status.DRAFT, Article.Status.REVIEW)
    )


def may_view(request, article):
    return may_publish(request) or owns(request, article)


def visible_articles(request, queryset):
    """The articles of `queryset` this user works on: all for editors, their own for writers."""
    return queryset if may_publish(request) else queryset.filter(created_by=request.user)
