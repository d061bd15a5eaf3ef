"""The newsroom's own records: text kept while someone writes (autosave)."""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article

# The form fields an autosave keeps: the text a person types. Everything else on the form
# is picked from lists and is quickly picked again.
AUTOSAVED_FIELDS = ("title", "slug", "standfirst", "body")


class AutosaveQuerySet(models.QuerySet):
    def of(self, user, article_id):
        """`user`'s autosave for the article with `article_id` (None: a new article)."""
        if article_id is None:
            return self.filter(user=user, article__isnull=True)
        return self.filter(user=user, article_id=article_id)

    def keep(self, user, article_id, text):
        """Store `text` (a dict over AUTOSAVED_FIELDS) as `user`'s autosave for the article:
        one UPDATE when there is one already (the usual case while typing), else an INSERT."""
        values = {name: text.get(name, "") for name in AUTOSAVED_FIELDS}
        values["saved_at"] = timezone.now()
        if self.of(user, article_id).update(**values):
            return values["saved_at"]
        try:
            with transaction.atomic(using=self.db):
                self.create(user=user, article_id=article_id, **values)
        except IntegrityError:  # another request of the same person's created it meanwhile
            self.of(user, article_id).update(**values)
        return values["saved_at"]


class ArticleAutosave(models.Model):
    """Unsaved text of one person's article form, kept every few seconds while they type, so
    that a closed tab, an expired session or a crash loses nothing. It never touches the
    article: not its row, not its revisions, not the public page cache (pagecache does not
    watch this model). Saving the article form discards it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="article_autosaves",
        verbose_name=_("user"),
    )
    # Null: the article being written has not been saved yet (one such text per person).
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="autosaves",
        verbose_name=_("article"),
    )
    title = models.TextField(_("title"), blank=True)
    slug = models.TextField(_("slug"), blank=True)
    standfirst = models.TextField(_("standfirst"), blank=True)
    body = models.TextField(_("body"), blank=True)
    saved_at = models.DateTimeField(_("kept at"), default=timezone.now)

    objects = AutosaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("autosaved text")
        verbose_name_plural = _("autosaved texts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="one_autosave_per_article",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(article__isnull=True), name="one_autosave_per_new_article"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.article_id or 'new'} · {self.saved_at:%Y-%m-%d %H:%M:%S}"

    def text(self):
        return {name: getattr(self, name) for name in AUTOSAVED_FIELDS}


class StatusChangeQuerySet(models.QuerySet):
    def of(self, article):
        return self.filter(article=article).select_related("user").order_by("at", "pk")

    def latest_send_back(self, article):
        """The editor's note that sent the article back, if that is the last thing that
        happened to it (the writer sees it on the form until they submit again)."""
        last = self.filter(article=article).order_by("-at", "-pk").first()
        return last if last is not None and last.transition == "send_back" else None


class StatusChange(models.Model):
    """One move of an article through the workflow (newsroom/workflow.py): who, when, from
    what to what, and the note that went with it. Shown on the article's history."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    transition = models.CharField(_("transition"), max_length=20)
    source = models.CharField(_("from"), max_length=20)
    target = models.CharField(_("to"), max_length=20)
    note = models.TextField(_("note"), blank=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.article_id}: {self.source} → {self.target}"
