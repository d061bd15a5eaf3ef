"""`manage.py compile_translations`: compile the translation catalogues (.po -> .mo).

Django's own compilemessages needs GNU gettext's msgfmt, which a fresh machine (and a slim
production image) does not have; polib is pure Python. The .mo files are build output
(git-ignored): `make run` and `make test` run this whenever a .po is newer than its .mo.

Like `msgfmt --check-format`, it refuses a translation whose placeholders differ from the
English ("%(name)s", "%d", "{user}"): at run time that would raise or drop the value.
Fuzzy and untranslated entries are left out of the .mo (the English shows), as msgfmt does.
"""

import os
import re
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

_PERCENT_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
_BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def catalogues():
    """Every .po file under settings.LOCALE_PATHS."""
    for locale_path in settings.LOCALE_PATHS:
        yield from sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po"))


def placeholders(text, flags):
    """The placeholders of `text` as a sorted list, for the format its flags declare."""
    found = []
    if "python-format" in flags:
        found += [
            f"%({name}){kind}" if name else f"%{kind}"
            for name, kind in _PERCENT_PLACEHOLDER.findall(text)
            if kind != "%"
        ]
    if "python-brace-format" in flags:
        found += [f"{{{name}}}" for name in _BRACE_PLACEHOLDER.findall(text)]
    return sorted(found)


def format_errors(po):
    """Entries whose translation's placeholders differ from the English, as messages."""
    errors = []
    for entry in po.translated_entries():
        expected = placeholders(entry.msgid, entry.flags)
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for translated in translations:
            # A plural form may leave the count out ("%(counter)s" in Chinese is kept, but
            # some languages' singular says "one"); extra or renamed placeholders are errors.
            got = placeholders(translated, entry.flags)
            if got != expected and not (entry.msgid_plural and set(got) <= set(expected)):
                errors.append(
                    f"line {entry.linenum}: {entry.msgid!r} has {expected}, "
                    f"its translation {translated!r} has {got}"
                )
    return errors


def compile_catalogue(po_path, mo_path=None):
    """Check and compile one .po; the .mo is replaced atomically (a server or test run
    reading it meanwhile sees the old or the new file, never half of one)."""
    po_path = Path(po_path)
    mo_path = Path(mo_path) if mo_path else po_path.with_suffix(".mo")
    po = polib.pofile(str(po_path))
    errors = format_errors(po)
    if errors:
        raise CommandError(f"{po_path}: placeholders differ:\n  " + "\n  ".join(errors))
    handle, temporary = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
    os.close(handle)
    try:
        po.save_as_mofile(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, mo_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return po


def is_stale(po_path):
    mo_path = Path(po_path).with_suffix(".mo")
    return not mo_path.exists() or mo_path.stat().st_mtime < Path(po_path).stat().st_mtime


class Command(BaseCommand):
    help = (
        "Compile the translation catalogues (locale/*/LC_MESSAGES/*.po) into .mo files with "
        "polib (no GNU gettext needed), refusing translations whose placeholders are wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Only compile catalogues whose .mo is missing or older than the .po.",
        )

    def handle(self, *args, if_stale=False, **options):
        found = list(catalogues())
        if not found:
            raise CommandError("No .po files under LOCALE_PATHS.")
        for po_path in found:
            if if_stale and not is_stale(po_path):
                continue
            po = compile_catalogue(po_path)
            self.stdout.write(
                f"Compiled {po_path} ({len(po.translated_entries())} translations, "
                f"{po.percent_translated()}% translated)."
            )
