"""core/management/commands/compile_translations.py, and the zh-Hant catalogue: complete, compiling."""

import ast
import io
import tokenize
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation.template import templatize

from core.management.commands.compile_translations import compile_catalogue

BASE = Path(settings.BASE_DIR)
CATALOGUE = BASE / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"


def catalogue():
    return polib.pofile(str(CATALOGUE))


def test_catalogue_has_no_empty_fuzzy_or_obsolete_entry():
    po = catalogue()
    assert po.metadata["Language"] == "zh_Hant"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert not po.untranslated_entries()
    assert not po.fuzzy_entries()
    assert not po.obsolete_entries()
    for entry in po:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid
        else:
            assert entry.msgstr.strip(), entry.msgid


def test_catalogue_compiles_and_reads_back(tmp_path):
    mo_path = tmp_path / "django.mo"
    po = compile_catalogue(CATALOGUE, mo_path)
    mo = polib.mofile(str(mo_path))
    assert len(mo.translated_entries()) == len(po.translated_entries()) > 150
    assert {e.msgid: e.msgstr for e in mo}["Latest articles"] == "最新文章"


def test_compiling_refuses_a_wrong_placeholder(tmp_path):
    broken = tmp_path / "django.po"
    broken.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        "#, python-format\n"
        'msgid "%(site)s: latest articles"\nmsgstr "%(sitename)s：最新文章"\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="placeholders differ"):
        compile_catalogue(broken)
    assert not (tmp_path / "django.mo").exists()


def test_compile_translations_command(tmp_path, settings):
    target = tmp_path / "zh_Hant" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.po").write_bytes(CATALOGUE.read_bytes())
    settings.LOCALE_PATHS = [tmp_path]
    out = io.StringIO()
    call_command("compile_translations", stdout=out)
    assert (target / "django.mo").exists()
    assert "100% translated" in out.getvalue()
    out = io.StringIO()
    call_command("compile_translations", "--if-stale", stdout=out)
    assert out.getvalue() == ""  # up to date: nothing to do


# What makemessages extracts, without GNU gettext: gettext calls in the Python (ast) and in
# the templates (Django's own templatize turns {% translate %} into gettext calls).
GETTEXT_CALLS = {
    "_": ("msgid",),
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "plural"),
    "ngettext_lazy": ("msgid", "plural"),
    "pgettext": ("context", "msgid"),
    "pgettext_lazy": ("context", "msgid"),
    "npgettext": ("context", "msgid", "plural"),
    "npgettext_lazy": ("context", "msgid", "plural"),
}


def _message(name, strings):
    parts = dict(zip(GETTEXT_CALLS[name], strings, strict=False))  # trailing args are optional
    return parts.get("context"), parts["msgid"], parts.get("plural")


def python_messages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        count = len(GETTEXT_CALLS[name])
        args = node.args[:count]
        if len(args) == count and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            yield _message(name, [a.value for a in args])


def template_messages(path):
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(code).readline)
        if t.type in (tokenize.NAME, tokenize.OP, tokenize.STRING)
    ]
    for i, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in GETTEXT_CALLS:
            continue
        if i + 1 >= len(tokens) or tokens[i + 1].string != "(":
            continue
        strings, current, j = [], None, i + 2
        while j < len(tokens) and tokens[j].string != ")":
            if tokens[j].type == tokenize.STRING:
                current = (current or "") + ast.literal_eval(tokens[j].string)
            elif tokens[j].string == ",":
                strings.append(current)
                current = None
            j += 1
        strings.append(current)
        count = len(GETTEXT_CALLS[token.string])
        if all(isinstance(s, str) for s in strings[:count]) and len(strings) >= count:
            yield _message(token.string, strings[:count])


def used_messages():
    sources = [
        path
        for folder in (*settings.PROJECT_APPS, "hkai_site")
        for path in (BASE / folder).rglob("*.py")
        if "migrations" not in path.parts
    ]
    templates = [
        p
        for folder in (BASE / "templates", *(BASE / app / "templates" for app in settings.PROJECT_APPS))
        for p in folder.rglob("*")
        if p.suffix in (".html", ".txt")
    ]
    found = {}
    for path in sources:
        for message in python_messages(path):
            found[message] = path
    for path in templates:
        for message in template_messages(path):
            found[message] = path
    return found


def test_every_message_in_the_code_is_translated():
    """Every string marked in templates and Python is in the catalogue, translated, not
    fuzzy: a string added without running makemessages fails here."""
    entries = {(e.msgctxt, e.msgid): e for e in catalogue()}
    used = used_messages()
    assert len(used) > 150  # the extraction works
    problems = []
    for (context, msgid, plural), path in sorted(used.items(), key=str):
        entry = entries.get((context, msgid))
        if entry is None:
            problems.append(f"{path.relative_to(BASE)}: {msgid!r} is not in the catalogue")
        elif not entry.translated():
            problems.append(f"{path.relative_to(BASE)}: {msgid!r} is not translated")
        elif plural is not None and entry.msgid_plural != plural:
            problems.append(f"{path.relative_to(BASE)}: {msgid!r} has another plural")
    assert not problems, "\n".join(problems) + "\nRun makemessages -l zh_Hant and translate."
