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
