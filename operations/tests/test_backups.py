"""operations/backups.py: a backup holds the database and media; a restore brings back that state."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from articles.models import Article, Organisation, Section, Topic
from images.models import Image, Rendition
from operations.backups import MANIFEST, create_backup, restore_backup

BASE_DIR = Path(settings.BASE_DIR)


def snapshot():
    """Everything the round trip must preserve, as plain data."""
    media = Path(settings.MEDIA_ROOT)
    return {
        "articles": list(
            Article.objects.order_by("pk").values(
                "pk",
                "title",
                "slug",
                "standfirst",
                "body",
                "body_html",
                "status",
                "published_at",
                "section__slug",
                "hero__file",
                "hero__alt_text",
                "created_by__username",
            )
        ),
        "topics": list(Topic.objects.order_by("pk").values("pk", "name", "slug", "description")),
        "organisations": list(Organisation.objects.order_by("pk").values("pk", "name", "slug", "kind")),
        "tagging": sorted((a.slug, t.name) for a in Article.objects.all() for t in a.topics.all())
        + sorted((a.slug, o.name) for a in Article.objects.all() for o in a.organisations.all()),
        "bylines": sorted((a.slug, au.name) for a in Article.objects.all() for au in a.authors.all()),
        "sections": list(Section.objects.order_by("pk").values()),
        "images": list(Image.objects.order_by("pk").values("pk", "file", "alt_text", "width", "height")),
        "renditions": list(
            Rendition.objects.order_by("pk").values("image", "crop", "format", "width", "file")
        ),
        "users": list(get_user_model().objects.order_by("pk").values("username", "password", "is_staff")),
        "published": list(Article.objects.published().values_list("slug", flat=True)),
        "media": {
            p.relative_to(media).as_posix(): p.read_bytes() for p in sorted(media.rglob("*")) if p.is_file()
        }
        if media.is_dir()
        else {},
    }


def test_backup_then_restore_brings_back_the_database_and_media(content, isolated_files):
    before = snapshot()
    # The hero's file, its renditions (WebP and JPEG, each crop) and a note.
    media_files = 2 + Rendition.objects.count()
    assert len(before["articles"]) == 2 and len(before["media"]) == media_files
    assert {name.rsplit(".", 1)[1] for name in before["media"]} == {"png", "webp", "jpg", "txt"}

    call_command("backup", stdout=io.StringIO())
    backups = sorted((isolated_files / "backups").glob("hkai-*.tar"))
    assert len(backups) == 1
    backup = backups[0]
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(backup) as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile(MANIFEST))
    assert manifest["engine"] == connection.vendor and manifest["media_files"] == media_files
    assert manifest["database"] in names and "media/notes/說明.txt" in names

    # Disaster: content deleted, media gone, and some new content that the restore must undo.
    Article.objects.all().delete()
    Topic.objects.all().delete()
    get_user_model().objects.filter(username="editor").delete()
    Image.objects.all().delete()  # the library's rows, and its files with them
    for path in Path(settings.MEDIA_ROOT).rglob("*.png"):
        path.unlink()
    Section.objects.create(name="Created after the backup", slug="after")
    (Path(settings.MEDIA_ROOT) / "after.txt").write_text("new")
    assert snapshot() != before

    out = io.StringIO()
    call_command("restore", str(backup), interactive=False, stdout=out)
    assert "The current state is saved in" in out.getvalue()
    assert snapshot() == before

    # The safety backup holds the state the restore replaced.
    safety = list((isolated_files / "backups").glob("hkai-*-before-restore*.tar"))
    assert len(safety) == 1 and backup.exists()
    with tarfile.open(safety[0]) as archive:
        assert "media/after.txt" in archive.getnames()

    # The database works normally afterwards (sequences restored too).
    section = Section.objects.get(slug=content.section.slug)
    Article.objects.create(
        title="After restore",
        slug="after-restore",
        body="x",
        section=section,
        status=Article.Status.PUBLISHED,
    )
    assert Article.objects.published().count() == 2


def test_backup_never_overwrites_a_file(transactional_db, isolated_files):
    existing = isolated_files / "keep.tar"
    existing.write_bytes(b"precious")
    with pytest.raises(CommandError, match="never overwrites"):
        call_command("backup", output=str(existing))
    assert existing.read_bytes() == b"precious"


def test_restore_refuses_what_is_not_a_backup(transactional_db, isolated_files):
    bogus = isolated_files / "bogus.tar"
    bogus.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("restore", str(bogus), interactive=False)
    with tarfile.open(isolated_files / "empty.tar", "w"):
        pass
    with pytest.raises(CommandError, match="not an HKAI backup"):
        call_command("restore", str(isolated_files / "empty.tar"), interactive=False)


def _tar_with(path, members):
    with tarfile.open(path, "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_restore_refuses_a_backup_of_the_other_engine(transactional_db, isolated_files):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest = {"format": 1, "engine": other, "database": "x", "media_files": 0, "created": "now"}
    _tar_with(isolated_files / "other.tar", {MANIFEST: json.dumps(manifest).encode()})
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(isolated_files / "other.tar"), interactive=False)


def test_restore_refuses_paths_that_leave_the_folder(transactional_db, isolated_files):
    engine = connection.vendor
    manifest = {"format": 1, "engine": engine, "database": "database.x", "media_files": 1, "created": "now"}
    _tar_with(
        isolated_files / "evil.tar",
        {
            MANIFEST: json.dumps(manifest).encode(),
            "../../escaped.txt": b"pwned",
        },
    )
    with pytest.raises(CommandError, match="Cannot unpack"):
        call_command("restore", str(isolated_files / "evil.tar"), interactive=False, safety_backup=False)
    # Unpacked in BACKUP_DIR/.restore-*/, "../../" would land in isolated_files itself.
    assert not (isolated_files / "escaped.txt").exists()
    assert not (isolated_files.parent / "escaped.txt").exists()


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


SNAPSHOT_CODE = """
import json
from articles.models import Article
from pathlib import Path
from django.conf import settings
media = Path(settings.MEDIA_ROOT)
print(json.dumps({
    "articles": sorted((a.slug, a.title, [t.name for t in a.topics.all()]) for a in Article.objects.all()),
    "media": sorted(p.relative_to(media).as_posix() for p in media.rglob('*') if p.is_file()),
}))
"""


@pytest.mark.slow
def test_round_trip_of_a_sqlite_file_database_from_the_command_line(tmp_path):
    """The `make backup` / `make restore` path on the default setup: a SQLite file, with the
    site's own processes (not the test database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="hkai_site.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_BACKUP_DIR=str(tmp_path / "backups"),
    )
    manage("migrate", "--noinput", env=env)
    manage(
        "shell",
        "-c",
        """
from django.core.files.base import ContentFile
from articles.models import Article, Section
s = Section.objects.create(name="Research", slug="research")
a = Article.objects.create(title="大學 AI", slug="大學-ai", body="x", section=s, status="published")
a.topics.add("robotics")
from images.models import Image
from tests.pictures import image_upload
a.hero = Image.objects.create(file=image_upload("hero.png"), alt_text="Hero")
a.save()
""",
        env=env,
    )
    before = manage("shell", "-c", SNAPSHOT_CODE, env=env)
    assert "robotics" in before and "hero.png" in before

    manage("backup", env=env)
    backup = next((tmp_path / "backups").glob("hkai-*.tar"))
    manage("shell", "-c", "from articles.models import Article; Article.objects.all().delete()", env=env)
    for path in (tmp_path / "media").rglob("*.png"):
        path.unlink()
    assert manage("shell", "-c", SNAPSHOT_CODE, env=env) != before

    manage("restore", "--noinput", str(backup), env=env)
    assert manage("shell", "-c", SNAPSHOT_CODE, env=env) == before


def test_media_go_through_the_default_storage_whatever_it_is(roles, isolated_files, settings):
    """With images in a storage that is no folder (as an S3 bucket through django-storages),
    the backup holds them and the restore puts them back, renditions included."""
    from django.core.files.storage import default_storage

    from tests.pictures import make_image

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    image = make_image("In memory", size=(320, 180))
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    contents = {name: default_storage.open(name).read() for name in names}
    assert not Path(settings.MEDIA_ROOT).exists()  # nothing went to the folder

    path, manifest = create_backup()
    assert manifest["media_files"] == len(names)
    for name in names:
        default_storage.delete(name)
    default_storage.save("stray.txt", ContentFile(b"not in the backup"))
    restore_backup(path)
    assert {name: default_storage.open(name).read() for name in names} == contents
    assert not default_storage.exists("stray.txt")
