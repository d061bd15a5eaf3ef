"""The newsroom: editors and writers work here.

Roles (groups from articles/roles.py) are enforced on the server, on every admin URL, by the
rules in permissions.py:
- Editors (permission `articles.publish_article`) see, edit, publish and schedule every article.
- Writers see only the articles they created (`Article.created_by`), edit them while they are
  drafts or in review, submit them for review and take them back, and can never set the
  publication or expiry time or "featured": those fields are read-only for them (posted
  anyway, the form refuses them), the publish actions are not theirs, and save_model refuses
  anything but a draft or an article in review from them.

Workflow: every change of status (form, actions, history restore) is checked and recorded
by workflow.py; the review queue is the list filtered to "in review", oldest first. Ownership filters `get_queryset`, which Django's changelist, change,
  history, delete, actions and autocomplete views all start from; the object-level
  `has_*_permission` methods say the same for one article.

History: django-reversion keeps a revision of every article save with its topic and
organisation links and authors; editors and owners restore one from the history page.

Edit conflicts: see Article.version and ArticleAdminForm._check_version.

The writing screen (the article form's editor, live preview, counts and autosave): see
widgets.py, writing.py and static/newsroom/writing.js.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles.models import Article, Author, Correction, Organisation, Section, Topic
from articles.querysets import published_article_count
from images.widgets import HeroImageWidget

from . import revisions, workflow
from .forms import ArticleAdminForm, CompareRevisionsForm
from .history import ensure_baseline_revision
from .models import ArticleAutosave, StatusChange
from .permissions import may_change, may_create_organisations, may_publish, may_view, visible_articles
from .writing import AutosaveView, PreviewView


class PublishedCountMixin:
    """A sortable "published articles" column; get_queryset annotates `num_articles` with
    published articles only (drafts and scheduled ones are not counted)."""

    @admin.display(description=_("published articles"), ordering="num_articles")
    def published_articles(self, obj):
        return obj.num_articles


class ArticleChangeList(ChangeList):
    """The list does not show bodies: do not load them for every row."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("body", "body_html")


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    list_display = ("title", "language", "section", "status_label", "published_at", "byline", "updated_at")
    list_display_links = ("title",)
    list_filter = (
        "status",
        "language",
        "section",
        ("organisations", admin.RelatedOnlyFieldListFilter),
        ("topics", admin.RelatedOnlyFieldListFilter),
        "published_at",
        "featured",
    )
    list_select_related = ("section",)
    search_fields = ("title", "standfirst", "slug")
    date_hierarchy = "published_at"
    # No prepopulated_fields: the slug follows the title by the model's own rule (writing.js
    # asks the preview endpoint for it), and an empty slug is made from the title on save.
    autocomplete_fields = ("section", "authors", "translation")
    readonly_fields = ("created_by", "created_at", "updated_at")
    publication_fields = ("status", "workflow_note", "published_at", "expires_at", "featured")
    # Read-only for writers: the status and the note are theirs too, within the workflow.
    editors_fields = ("published_at", "expires_at", "featured")
    actions = ("publish_selected", "unpublish_selected")
    save_on_top = True
    history_latest_first = True
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"

    # --- who may do what -------------------------------------------------------------

    def get_queryset(self, request):
        return visible_articles(request, super().get_queryset(request).prefetch_related("authors"))

    def has_publish_permission(self, request):
        """Used by the publish actions (`permissions=["publish"]`)."""
        return may_publish(request)

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or may_view(request, obj)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or may_change(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not may_publish(request):
            readonly += self.editors_fields
        return readonly

    def get_ordering(self, request):
        # The review queue (the list filtered to "in review"): the longest waiting first.
        if request.GET.get("status__exact") == Article.Status.REVIEW and not request.GET.get("o"):
            return ("status_changed_at", "pk")
        return super().get_ordering(request)

    # --- the writing screen's endpoints (writing.py) -------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        autosave = wrap(AutosaveView.as_view(model_admin=self))
        return [
            path("preview/", wrap(PreviewView.as_view(model_admin=self)), name="articles_article_preview"),
            path("autosave/", autosave, name="articles_article_autosave_new"),
            path("<path:object_id>/autosave/", autosave, name="articles_article_autosave"),
            path(
                "<path:object_id>/history/compare/", wrap(self.compare_view), name="articles_article_compare"
            ),
            *super().get_urls(),
        ]

    # --- the form ---------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        editable = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        tags = ["section", "topics", "new_topics", "organisations", "new_organisations", "authors"]
        if not editable:
            tags = [name for name in tags if not name.startswith("new_")]
        elif not may_create_organisations(request):
            tags.remove("new_organisations")
        publication = [name for name in self.publication_fields if editable or name != "workflow_note"]
        return [
            (None, {"fields": ["title", "slug", "standfirst", "body"]}),
            (_("Language and translation"), {"fields": ["language", "translation"]}),
            (_("Section, tags and bylines"), {"fields": tags}),
            (_("Publication"), {"fields": publication}),
            (_("Hero image"), {"fields": ["hero"]}),
            (
                _("Record"),
                {
                    "fields": ["created_by", "created_at", "updated_at"]
                    + (["expected_version"] if editable else []),
                    "classes": ["collapse"],
                },
            ),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.may_create_organisations = may_create_organisations(request)
        form.request = request
        form.refused_fields = () if may_publish(request) else self.editors_fields
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # taggit's TaggableManager is not a ManyToManyField, so the admin's autocomplete
        # does not apply to it by itself; the admin's own select2 widget over the tag model
        # does (its endpoint only needs the tag admin's search_fields and view permission).
        if db_field.name in ("topics", "organisations"):
            return forms.ModelMultipleChoiceField(
                queryset=db_field.remote_field.model.objects.all(),
                required=False,
                widget=AutocompleteSelectMultiple(db_field, self.admin_site),
                label=capfirst(db_field.verbose_name),
                help_text=_("Type to search the existing ones."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "hero":
            # The image library (images/): an id, the library's list in a popup, or the
            # chooser dialog with search and upload (images/widgets.py).
            kwargs["widget"] = HeroImageWidget(db_field.remote_field, self.admin_site)
        if db_field.name == "translation":
            # Only articles this user may see in the admin (a writer's own), as the
            # autocomplete offers: a posted id of anyone else's article is a form error.
            kwargs["queryset"] = self.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        author = getattr(request.user, "author", None)
        if author is not None:
            initial.setdefault("authors", [author.pk])
        return initial

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            return None
        before_revert = getattr(request, "_article_version_before_revert", None)
        if before_revert is not None:
            # A history restore: the row now holds the old version's fields, but the version
            # check and the next version number go on from the real current one, and the
            # translation link (not in revisions) stays the current one.
            obj.version = before_revert
            obj.translation_id = request._article_translation_before_revert
            # The workflow checks the move from the real current status (ArticleAdminForm).
            obj.status_before_revert = request._article_status_before_revert
        elif (
            request.method == "POST"
            and transaction.get_connection(router.db_for_write(Article)).in_atomic_block
        ):
            # Lock the row until the save commits, so the version check cannot race.
            obj.version = Article.objects.select_for_update().values_list("version", flat=True).get(pk=obj.pk)
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if request.method == "POST":
            if obj is not None and self.has_change_permission(request, obj):
                ensure_baseline_revision(obj)
        context = {}
        if obj is not None:
            # The editor's note that sent it back, for the writer (and everyone) to see.
            context["send_back"] = StatusChange.objects.latest_send_back(obj)
            context["corrections"] = list(obj.corrections.all())
            context["may_correct"] = obj.status == Article.Status.PUBLISHED and may_publish(request)
        context.update(extra_context or {})
        return super().change_view(request, object_id, form_url, context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if not may_publish(request) and obj.status not in (Article.Status.DRAFT, Article.Status.REVIEW):
            # The form refuses it (workflow.py); this backstop also stops anything else
            # saving a published article from a writer.
            raise PermissionDenied
        transition = getattr(form, "transition", None)
        if transition is not None:
            obj.status_changed_at = timezone.now()
        super().save_model(request, obj, form, change)
        if transition is not None:
            source = form.transition_source
            note = form.cleaned_data.get("workflow_note", "")
            request._article_status_change = workflow.record(obj, transition, source, request.user, note)
            if obj.is_scheduled:
                self.message_user(request, workflow.schedule_message(obj), messages.SUCCESS)
        # The text is saved: the copy kept while it was being written is not needed any more.
        ArticleAutosave.objects.of(request.user, obj.pk if change else None).delete()

    def _comment_status_change(self, request):
        """The revision's comment names the change of status and its note (history)."""
        change = getattr(request, "_article_status_change", None)
        if change is not None and reversion.is_active():
            words = f"{workflow.label(change)}." + (f" {change.note}" if change.note else "")
            reversion.set_comment(f"{reversion.get_comment()}\n{words}".strip())

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._comment_status_change(request)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._comment_status_change(request)
        return entry

    # --- the list -----------------------------------------------------------------------

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            return format_html("{} {}", _("Scheduled for"), workflow.moment_html(obj.published_at))
        if obj.is_expired:
            return _("Expired")
        if obj.status == Article.Status.REVIEW and obj.status_changed_at:
            return format_html("{} {}", _("In review since"), workflow.moment_html(obj.status_changed_at))
        return obj.get_status_display()

    @admin.display(description=_("authors"))
    def byline(self, obj):
        return ", ".join(author.name for author in obj.authors.all())

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def changelist_view(self, request, extra_context=None):
        # Not VersionAdmin's changelist_view: it wraps the whole request in one revision, so
        # a bulk action would put every article in one revision and restoring any of them
        # would revert them all. The actions below make one revision per article.
        context = {"can_recover": self.has_delete_permission(request)}
        context.update(extra_context or {})
        return admin.ModelAdmin.changelist_view(self, request, context)

    def _set_status(self, request, queryset, status, comment):
        changed, refused = 0, []
        # defer(None): the list's queryset leaves the body out, a save needs it.
        for article in queryset.exclude(status=status).defer(None):
            source = article.status
            try:
                transition = workflow.check(request, source, status)
            except ValidationError:
                refused.append(article.title)
                continue
            ensure_baseline_revision(article)
            with reversion.create_revision():
                article.status = status
                article.status_changed_at = timezone.now()
                article.save()
                workflow.record(article, transition, source, request.user)
                reversion.set_user(request.user)
                reversion.set_comment(comment)
            self.log_change(request, article, [{"changed": {"fields": ["Status"]}}])
            changed += 1
        if refused:
            self.message_user(
                request,
                _("Not changed (the workflow does not allow it from their status): %(titles)s")
                % {"titles": ", ".join(refused)},
                messages.WARNING,
            )
        return changed

    @admin.action(
        description=_("Publish selected articles (a future publication time schedules them)"),
        permissions=["publish"],
    )
    def publish_selected(self, request, queryset):
        changed = self._set_status(request, queryset, Article.Status.PUBLISHED, "Published.")
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", changed) % changed,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish selected articles (taken down; the newsroom keeps them)"),
        permissions=["publish"],
    )
    def unpublish_selected(self, request, queryset):
        changed = self._set_status(request, queryset, Article.Status.UNPUBLISHED, "Unpublished.")
        self.message_user(
            request,
            ngettext("%d article unpublished.", "%d articles unpublished.", changed) % changed,
            messages.SUCCESS,
        )

    # --- history and recovery (django-reversion) ----------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        context = {
            "can_restore": self.has_change_permission(request, obj),
            "status_changes": [(change, workflow.label(change)) for change in StatusChange.objects.of(obj)],
            "compare_url": reverse("admin:articles_article_compare", args=[obj.pk]),
        }
        context.update(extra_context or {})
        response = super().history_view(request, object_id, context)
        # Each row's version id, for choosing two to compare: the same versions in the
        # same order as reversion's action_list (which gives only their restore URLs).
        ids = self._reversion_order_version_queryset(request, Version.objects.get_for_object(obj))
        actions = response.context_data["action_list"]
        for action, version_id in zip(actions, ids.values_list("pk", flat=True), strict=True):
            action["version_id"] = version_id
        for newer, older in zip(actions, actions[1:], strict=False):
            # "Changes": this version against the one before it (the list is newest first).
            newer["previous_id"] = older["version_id"]
        return response

    def _may_restore(self, request, obj, state):
        """Whether to offer restoring a version: restoring it writes its status back, which
        a writer may only do for their draft or article in review (revision_view refuses
        the rest, as may_change does for the article itself)."""
        if not self.has_change_permission(request, obj):
            return False
        return may_publish(request) or state.fields.get("status") in (
            Article.Status.DRAFT,
            Article.Status.REVIEW,
        )

    def compare_view(self, request, object_id):
        """Two revisions of an article side by side (revisions.py), each restorable through
        revision_view (which the workflow checks like any save). Staff who may view the
        article: editors, and a writer their own (get_object filters by ownership)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        form = CompareRevisionsForm(request.GET)
        if not form.is_valid():
            return HttpResponseBadRequest(_("Choose two versions to compare."))
        states = revisions.two_versions(obj, form.cleaned_data["older"], form.cleaned_data["newer"])
        if states is None:
            raise Http404
        before, after = states
        sides = [
            {
                "state": state,
                "label": label,
                "restore_url": reverse("admin:articles_article_revision", args=[obj.pk, state.version.pk])
                if self._may_restore(request, obj, state)
                else None,
            }
            for state, label in ((before, _("Older")), (after, _("Newer")))
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Compare versions of “%(title)s”") % {"title": obj.title},
            "subtitle": obj.title,
            "sides": sides,
            "texts": revisions.text_diffs(before, after),
            "changes": revisions.changes(before, after),
            "history_url": reverse("admin:articles_article_history", args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        with transaction.atomic(using=router.db_for_write(Article)):
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            # reversion looks a version up by id and object id only; make it this article's.
            get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
            request._article_version_before_revert = obj.version
            request._article_status_before_revert = obj.status
            request._article_translation_before_revert = obj.translation_id
            return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        # Deleted articles of every writer: editors only.
        if not self.has_delete_permission(request) or not may_publish(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_delete_permission(request) or not may_publish(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(Article), pk=version_id)
        if Article.objects.filter(pk=version.object_id).exists():
            raise Http404("This article has not been deleted.")
        return super().recover_view(request, version_id, extra_context)


@admin.register(Section)
class SectionAdmin(PublishedCountMixin, admin.ModelAdmin):
    list_display = ("name", "name_zh_hant", "slug", "position", "published_articles")
    list_editable = ("position",)
    search_fields = ("name", "name_zh_hant", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("position", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=published_article_count())


class TagAdmin(PublishedCountMixin, admin.ModelAdmin):
    """Organisations and topics: counts of published articles (TagQuerySet)."""

    # The Chinese name is searched too, so the article form's tag autocomplete finds "金融科技".
    search_fields = ("name", "name_zh_hant", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).with_published_counts()


@admin.register(Organisation)
class OrganisationAdmin(TagAdmin):
    list_display = ("name", "name_zh_hant", "kind", "website_link", "published_articles")
    list_filter = ("kind",)
    fields = ("name", "name_zh_hant", "slug", "kind", "website", "description")
    # Websites typed without a scheme are https (Django 6's default; silences its warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("website"), ordering="website")
    def website_link(self, obj):
        if not obj.website:
            return ""
        if not obj.safe_website:
            return obj.website
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.safe_website, obj.website)


@admin.register(Topic)
class TopicAdmin(TagAdmin):
    list_display = ("name", "name_zh_hant", "slug", "published_articles")
    fields = ("name", "name_zh_hant", "slug", "description")


@admin.register(Author)
class AuthorAdmin(PublishedCountMixin, admin.ModelAdmin):
    list_display = ("name", "name_zh_hant", "slug", "user", "published_articles")
    search_fields = ("name", "name_zh_hant", "slug", "user__username")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)
    fields = ("name", "name_zh_hant", "slug", "user", "photo", "bio", "bio_zh_hant")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(num_articles=published_article_count())
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Bylines belong to newsroom accounts.
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True).order_by("username")
        if db_field.name == "photo":
            # The article hero's chooser: the image library, with search and upload.
            kwargs["widget"] = HeroImageWidget(db_field.remote_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def view_on_site(self, obj):
        # Only once the author has a public page: before that it is a 404 for everyone.
        if Author.objects.public().filter(pk=obj.pk).exists():
            return obj.get_absolute_url()
        return None


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Corrections and updates: editors append one to a published article (from its form's
    "Append a correction or update" link); nobody changes or deletes one, so a note is
    never edited away. The list is the newsroom's record of them all."""

    list_display = ("created_at", "kind", "article", "note", "created_by")
    list_filter = ("kind",)
    list_select_related = ("article", "created_by")
    search_fields = ("note", "article__title")
    fields = ("article", "kind", "note")
    autocomplete_fields = ("article",)
    date_hierarchy = "created_at"

    def has_module_permission(self, request):
        return may_publish(request)

    def has_view_permission(self, request, obj=None):
        return may_publish(request)

    def has_add_permission(self, request):
        return may_publish(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            # Published articles only (scheduled ones too: an update may wait for them).
            kwargs["queryset"] = Article.objects.filter(status=Article.Status.PUBLISHED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # Back to the article, where the note now shows.
        self.message_user(request, _("The note is added under the story."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.article_id]))
