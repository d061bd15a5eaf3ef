"""The article form of the admin: tags picked with the admin's own autocomplete, new tags
typed in, and the version check that stops one editor silently overwriting another."""

from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.utils import parse_tags

from articles.models import Article
from core.text import normalise_tag_name, unicode_slugify

from . import workflow
from .widgets import MarkdownEditor


def parse_new_tag_names(text):
    """Comma-separated names, normalised and de-duplicated ignoring case, in typed order
    (taggit's own parser splits on commas or, without any, on spaces; names with spaces
    need commas: "smart city, fintech")."""
    names, seen = [], set()
    for name in parse_tags(text or ""):
        name = normalise_tag_name(name)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


class ArticleAdminForm(forms.ModelForm):
    """`topics` and `organisations` are replaced by ArticleAdmin.formfield_for_dbfield with
    multiple-choice fields over the tag models (select2 autocomplete); the `new_*` fields
    create tags that do not exist yet."""

    # ArticleAdmin drops this field for users who may not add organisations.
    may_create_organisations = True
    # Set by ArticleAdmin.get_form: the request (whose role the workflow checks), and the
    # fields this user may not set (read-only for them): posting one is refused, not dropped.
    request = None
    refused_fields = ()

    workflow_note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        help_text=_(
            "Goes with a change of status and stays on the article's history. Sending an "
            "article back needs one: the writer sees it on the form."
        ),
    )

    new_topics = forms.CharField(
        label=_("New topics"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=_(
            "Topics that are not in the list yet, separated by commas, e.g. "
            "“smart city, 香港金融科技”. Existing names are matched ignoring case."
        ),
    )
    new_organisations = forms.CharField(
        label=_("New organisations"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=_(
            "Organisations that are not in the list yet, separated by commas. "
            "Set their kind and website in Organisations afterwards."
        ),
    )
    # The version the form was opened with (see Article.version). Its value is kept from the
    # POST when the form is shown again, so a stale form stays stale until reloaded.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        # ArticleAdmin.get_fieldsets() says which fields each user sees and may change.
        fields = "__all__"  # noqa: DJ007
        widgets = {
            "title": forms.TextInput(attrs={"class": "vTextField writing-title"}),
            "body": MarkdownEditor,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.may_create_organisations:
            self.fields.pop("new_organisations", None)
        if "expected_version" in self.fields:
            self.fields["expected_version"].initial = self.instance.version
        self._set_up_writing_screen()
        self._set_up_workflow()

    def status_before(self):
        """The status the article has now (before a history restore, the current one)."""
        if self.instance._state.adding:
            return Article.Status.DRAFT
        return getattr(self.instance, "status_before_revert", None) or self.instance.status

    def _set_up_workflow(self):
        """The status menu offers only the moves this user may make (newsroom/workflow.py)."""
        status = self.fields.get("status")
        if status is None or self.request is None:
            return
        allowed = workflow.targets(self.request, self.status_before())
        # Left out of a POST (a script written before the workflow), the status stays.
        status.required = False
        status.widget.choices = [(value, label) for value, label in status.choices if value in allowed]
        status.help_text = _("Writers submit a draft for review; editors publish, schedule or send it back.")

    def _set_up_writing_screen(self):
        """The editor's endpoints (newsroom/writing.py), and the slug: left empty it is made
        from the title (clean_slug); on the screen it follows the title (writing.js) until
        edited by hand, unless the article's address is already out (not a draft) or was
        chosen by hand (it is not the title's slug)."""
        article = self.instance
        body = self.fields.get("body")
        if body is not None and isinstance(body.widget, MarkdownEditor):
            autosave = (
                reverse("admin:articles_article_autosave", args=[article.pk])
                if article.pk
                else reverse("admin:articles_article_autosave_new")
            )
            body.widget.editor = {
                "preview_url": reverse("admin:articles_article_preview"),
                "autosave_url": autosave,
            }
        slug = self.fields.get("slug")
        if slug is not None:
            slug.required = False
            slug.help_text = _(
                "The article's address: letters (Chinese too), numbers and hyphens. Left empty, it is made from the title."
            )
            if article._state.adding or (
                article.status == Article.Status.DRAFT
                and article.slug == unicode_slugify(article.title)[:200]
            ):
                slug.widget.attrs["data-follows-title"] = "true"

    def clean_status(self):
        return self.cleaned_data.get("status") or self.status_before()

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        slug = unicode_slugify(self.cleaned_data.get("title") or "")[:200]
        if not slug:
            raise forms.ValidationError(
                _("Give the article an address: its title has no letters or numbers to make one from."),
                code="required",
            )
        return slug

    def clean(self):
        cleaned_data = super().clean()
        self._check_version()
        self._check_refused_fields()
        self._check_transition(cleaned_data)
        if (
            "published_at" in self.fields
            and cleaned_data.get("status") == Article.Status.PUBLISHED
            and not cleaned_data.get("published_at")
        ):
            # Publishing without a time publishes now (as Article.save does); set it before
            # the model's constraint check, which would otherwise refuse the form.
            cleaned_data["published_at"] = timezone.now()
        for field_name, new_field_name in (
            ("topics", "new_topics"),
            ("organisations", "new_organisations"),
        ):
            if field_name in cleaned_data and new_field_name in self.fields:
                chosen = list(cleaned_data[field_name] or [])
                chosen_names = {tag.name.casefold() for tag in chosen}
                new_names = parse_new_tag_names(cleaned_data.get(new_field_name))
                # Strings are looked up ignoring case (TAGGIT_CASE_INSENSITIVE) or created.
                cleaned_data[field_name] = chosen + [
                    name for name in new_names if name.casefold() not in chosen_names
                ]
        return cleaned_data

    def _check_refused_fields(self):
        """A field read-only for this user that came in the POST anyway (a forged form)."""
        posted = [
            name
            for name in self.refused_fields
            if any(key == name or key.startswith(f"{name}_") for key in self.data)
        ]
        if posted:
            self.add_error(
                None,
                forms.ValidationError(
                    _("You may not set %(fields)s: only an editor may. Nothing has been saved."),
                    code="refused_field",
                    params={"fields": ", ".join(posted)},
                ),
            )

    def _check_transition(self, cleaned_data):
        """The change of status, if any, checked against the workflow for this user; the
        transition is kept for ArticleAdmin.save_model to record."""
        self.transition = None
        # Read now: the instance takes the form's values once cleaned.
        self.transition_source = self.status_before()
        if self.request is None or "status" not in cleaned_data:
            return
        try:
            self.transition = workflow.check(
                self.request,
                self.transition_source,
                cleaned_data["status"],
                cleaned_data.get("workflow_note", ""),
            )
        except forms.ValidationError as error:
            self.add_error("workflow_note" if error.code == "note_required" else "status", error)

    def _check_version(self):
        """Refuse the save if someone saved the article after this form was opened.

        `instance.version` is the version in the database, read under a row lock in this
        request's transaction by ArticleAdmin.get_object, so nobody can save in between."""
        if self.instance._state.adding or "expected_version" not in self.fields:
            return
        expected = self.cleaned_data.get("expected_version")
        if expected == self.instance.version:
            return
        last_change = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Article),
                object_id=str(self.instance.pk),
                action_flag=CHANGE,
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        by_whom = ""
        if last_change:
            by_whom = format_html(
                gettext(" (by {user} at {time})"),
                user=last_change.user.get_username(),
                time=localize(timezone.localtime(last_change.action_time)),
            )
        raise forms.ValidationError(
            format_html(
                gettext(
                    "Someone else saved this article after you opened it{by_whom}. Your "
                    "changes have NOT been saved, so that theirs are not lost: your text is "
                    'still in the form below. Copy what you need, then <a href="{url}" '
                    'target="_blank" rel="noopener">open the current version</a> and '
                    "make your changes there."
                ),
                by_whom=by_whom,
                url=reverse("admin:articles_article_change", args=[self.instance.pk]),
            ),
            code="edit_conflict",
        )


class CompareRevisionsForm(forms.Form):
    """The two versions to compare (?older=&newer=, ids from the history page): anything
    but two ids in range is a 400, never a database error."""

    older = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    newer = forms.IntegerField(min_value=1, max_value=2**31 - 1)
