"""operations/management/commands/restore.py: it asks before replacing everything."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article


def test_restore_asks_before_replacing_everything(content, isolated_files, monkeypatch):
    call_command("backup", output=str(isolated_files / "b.tar"), stdout=io.StringIO())
    Article.objects.all().delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(isolated_files / "b.tar"))
    assert not Article.objects.exists()
