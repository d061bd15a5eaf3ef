"""The writing screen's two endpoints, both behind the admin's login, staff check and CSRF
protection (ArticleAdmin.get_urls wraps them in admin_view) and a per-person rate limit:

- the preview: the text rendered by the article page's own code path (Article.save's
  render_markdown, the reading-time rule) in the site's own stylesheets;
- the autosave: unsaved text kept per person and article (ArticleAutosave), read back to
  offer a restore, discarded on request. It never touches the article.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.views import View

from articles.models import Article
from articles.rendering import render_markdown
from core.languages import language_tag
from core.text import count_text, reading_minutes, unicode_slugify

from .models import AUTOSAVED_FIELDS, ArticleAutosave
from .ratelimit import within_rate

# Far above any article, far below what would tie up a server rendering it.
MAX_TEXT = 500_000


class WritingForm(forms.Form):
    """What the writing screen sends: the form's text as typed (not stripped, not validated
    as an article: half-written text is the point)."""

    title = forms.CharField(required=False, strip=False, max_length=2_000)
    slug = forms.CharField(required=False, strip=False, max_length=2_000)
    standfirst = forms.CharField(required=False, strip=False, max_length=10_000)
    body = forms.CharField(required=False, strip=False, max_length=MAX_TEXT)
    language = forms.ChoiceField(required=False, choices=Article.Language.choices)


def bad_request(form):
    return JsonResponse({"errors": form.errors.get_json_data()}, status=400)


def too_many_requests():
    return JsonResponse({"error": _("Too many requests: wait a moment.")}, status=429)


class WritingEndpoint(View):
    model_admin = None  # ArticleAdmin, given by as_view()
    rate_scope = None
    http_method_names = ["get", "post", "delete"]

    def dispatch(self, request, *args, **kwargs):
        if not within_rate(self.rate_scope, request.user):
            return too_many_requests()
        return super().dispatch(request, *args, **kwargs)


class PreviewView(WritingEndpoint):
    """POST the form's text, get the preview page (the article as readers will see it) and
    what the form derives from the text: the title's slug and the reading time."""

    rate_scope = "preview"
    http_method_names = ["post"]

    def post(self, request):
        if not (
            self.model_admin.has_add_permission(request) or self.model_admin.has_change_permission(request)
        ):
            raise PermissionDenied
        form = WritingForm(request.POST)
        if not form.is_valid():
            return bad_request(form)
        text = form.cleaned_data
        language = text["language"] or Article.Language.ENGLISH
        words, characters = count_text(text["body"])
        minutes = reading_minutes(text["body"])
        document = render_to_string(
            "newsroom/preview.html",
            {
                "title": text["title"].strip(),
                "standfirst": text["standfirst"].strip(),
                "body_html": render_markdown(text["body"]),
                "language_tag": language_tag(language),
                "reading_minutes": minutes,
            },
        )
        return JsonResponse(
            {
                "document": document,
                "slug": unicode_slugify(text["title"])[:200],
                "words": words,
                "characters": characters,
                "reading_minutes": minutes,
            }
        )


class AutosaveView(WritingEndpoint):
    """GET: the person's kept text for this article ({"autosave": null} if none); POST: keep
    the text; DELETE: discard it. `object_id` None is the new article being written."""

    rate_scope = "autosave"

    def article_id(self, request, object_id):
        """The article's id if this person may change it (403 if not, 404 if no such
        article); None for a new article, if they may add articles."""
        if object_id is None:
            if not self.model_admin.has_add_permission(request):
                raise PermissionDenied
            return None
        try:
            pk = int(unquote(object_id))
        except ValueError:
            raise Http404
        # Only what the permission rules read (permissions.may_change).
        article = Article.objects.filter(pk=pk).only("pk", "created_by", "status").first()
        if article is None:
            raise Http404
        if not self.model_admin.has_change_permission(request, article):
            raise PermissionDenied
        return article.pk

    @staticmethod
    def kept_at(saved_at):
        return {"saved_at": saved_at.isoformat(), "saved_at_display": localize(timezone.localtime(saved_at))}

    def get(self, request, object_id=None):
        article_id = self.article_id(request, object_id)
        autosave = ArticleAutosave.objects.of(request.user, article_id).first()
        if autosave is None:
            return JsonResponse({"autosave": None})
        return JsonResponse({"autosave": {"fields": autosave.text(), **self.kept_at(autosave.saved_at)}})

    def post(self, request, object_id=None):
        article_id = self.article_id(request, object_id)
        form = WritingForm(request.POST)
        if not form.is_valid():
            return bad_request(form)
        text = {name: form.cleaned_data[name] for name in AUTOSAVED_FIELDS}
        saved_at = ArticleAutosave.objects.keep(request.user, article_id, text)
        return JsonResponse(self.kept_at(saved_at))

    def delete(self, request, object_id=None):
        article_id = self.article_id(request, object_id)
        ArticleAutosave.objects.of(request.user, article_id).delete()
        return HttpResponse(status=204)
