"""The writing screen's Markdown editor: a plain textarea (the form works without
JavaScript) with, around it, the toolbar, the live counts, the preview frame and the autosave
notices that newsroom/static/newsroom/writing.js brings to life."""

from django import forms

from core.text import count_text, reading_minutes


class MarkdownEditor(forms.Textarea):
    template_name = "newsroom/widgets/markdown_editor.html"

    # Set by ArticleAdminForm for this form: {"preview_url", "autosave_url"}.
    editor = None

    def __init__(self, attrs=None):
        super().__init__({"rows": 28, "class": "vLargeTextField md-textarea", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        words, characters = count_text(value or "")
        context["editor"] = {
            **(self.editor or {}),
            "words": words + characters,
            "reading_minutes": reading_minutes(value or ""),
        }
        return context

    class Media:
        css = {"all": ["newsroom/writing.css"]}
        js = ["newsroom/writing.js"]
