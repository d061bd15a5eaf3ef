"""Helpers for driving admin change forms over HTTP the way a browser does."""

from django.forms import FileInput, MultiWidget
from django.urls import reverse


def admin_url(name, *args, model="article"):
    return reverse(f"admin:articles_{model}_{name}", args=args)


def form_data(response, **overrides):
    """The POST data a browser would send for the admin form in `response`, as rendered
    (initial values, or the bound values after an error), with `overrides` applied.
    Read-only fields are not in the form and so are not sent, just as in a browser."""
    form = response.context["adminform"].form
    data = {}
    for name, bound in form.fields.items():
        widget = bound.widget
        value = bound.prepare_value(form[name].value())
        if isinstance(widget, FileInput):
            continue  # files travel in request.FILES; none here
        if isinstance(widget, MultiWidget):
            # Bound forms hold the parts as posted; unbound ones the value to split.
            parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(value)
    data.update(overrides)
    return data
