"""Backup and restore of the database and the uploaded media, in one file.

A backup is an uncompressed tar (the database dump is compressed already; images are too):

    manifest.json       what the backup holds (engine, time, counts)
    database.pgdump     pg_dump --format=custom, for PostgreSQL
    database.sqlite3    a consistent copy by SQLite's online backup API, for SQLite
    media/...           every file of the default storage (uploaded images, their renditions)

Media are read and written through Django's default storage (STORAGES["default"]), so a
backup holds the images wherever they live: the MEDIA_ROOT folder, or an S3-compatible bucket
through django-storages (README: "Images").

The management commands `backup` and `restore` (and `make backup` / `make restore`) call this.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone

from pagecache.generation import clear_site_cache

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def database_engine(alias="default"):
    vendor = connections[alias].vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def default_backup_path(label=""):
    """backups/hkai-<local time>[-label].tar, never the name of an existing backup (two in
    one second, e.g. restore's safety backup right after a backup, get -2, -3...)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    base = f"hkai-{stamp}" + (f"-{label}" if label else "")
    path, n = Path(settings.BACKUP_DIR) / f"{base}.tar", 1
    while path.exists():
        n += 1
        path = Path(settings.BACKUP_DIR) / f"{base}-{n}.tar"
    return path


def _libpq_environment(settings_dict):
    """pg_dump/pg_restore read the connection from libpq's variables: the password
    stays out of the process list."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _run(command, env):
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _dump_database(engine, target, alias):
    connection = connections[alias]
    if engine == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            _libpq_environment(connection.settings_dict),
        )
    else:
        # The online backup API copies a consistent snapshot even while the site is writing;
        # going through Django's own connection also works for an in-memory database.
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()


def _restore_database(engine, source, alias):
    connection = connections[alias]
    if engine == "postgresql":
        # Our own idle connections would hold locks that pg_restore --clean waits for.
        connections.close_all()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            _libpq_environment(connection.settings_dict),
        )
    else:
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("Cannot restore SQLite inside a transaction.")
        backup = sqlite3.connect(source)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
    connections.close_all()


def _media_files(folder=""):
    """Every file name in the default storage, sorted."""
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder}/" if folder else ""
    names = [prefix + name for name in files]
    for directory in directories:
        names += _media_files(prefix + directory)
    return sorted(names)


def _replace_media(replacement):
    """Make the default storage hold exactly the files under `replacement` (a folder)."""
    wanted = {
        path.relative_to(replacement).as_posix(): path
        for path in (sorted(replacement.rglob("*")) if replacement.is_dir() else [])
        if path.is_file()
    }
    for name in _media_files():
        if name not in wanted:
            default_storage.delete(name)
    for name, path in wanted.items():
        if default_storage.exists(name):
            default_storage.delete(name)
        with path.open("rb") as file:
            saved = default_storage.save(name, File(file))
        if saved != name:
            raise BackupError(f"The storage stored {name} as {saved}: restore it again.")


def create_backup(path=None, alias="default", label=""):
    """Write a backup of the database and MEDIA_ROOT; return its path and manifest."""
    engine = database_engine(alias)
    path = Path(path) if path else default_backup_path(label)
    if path.exists():
        raise BackupError(f"{path} exists already: a backup never overwrites another.")
    path.parent.mkdir(parents=True, exist_ok=True)
    media_files = _media_files()
    manifest = {
        "format": FORMAT_VERSION,
        "created": timezone.localtime().isoformat(timespec="seconds"),
        "engine": engine,
        "database": DUMP_NAMES[engine],
        "media_files": len(media_files),
    }
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as work:
        dump = Path(work) / DUMP_NAMES[engine]
        _dump_database(engine, dump, alias)
        partial = Path(work) / (path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            manifest_file = Path(work) / MANIFEST
            manifest_file.write_text(json.dumps(manifest, indent=2))
            archive.add(manifest_file, arcname=MANIFEST)
            archive.add(dump, arcname=DUMP_NAMES[engine])
            for name in media_files:
                info = tarfile.TarInfo(MEDIA_PREFIX + name)
                info.size = default_storage.size(name)
                info.mtime = int(timezone.now().timestamp())
                info.mode = 0o644
                with default_storage.open(name, "rb") as file:
                    archive.addfile(info, file)
        # Password hashes and sessions are inside: readable by the owner only.
        partial.chmod(0o600)
        # Complete or absent: a backup interrupted half-way never looks like a backup.
        partial.replace(path)
    return path, manifest


def read_manifest(archive):
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError, AttributeError):
        raise BackupError("This file is not an HKAI backup (no readable manifest.json).")
    if manifest.get("format") != FORMAT_VERSION or manifest.get("engine") not in DUMP_NAMES:
        raise BackupError(f"Unsupported backup format: {manifest!r}")
    return manifest


def inspect_backup(path):
    try:
        with tarfile.open(path, "r") as archive:
            return read_manifest(archive)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Cannot read {path}: {error}")


def restore_backup(path, alias="default"):
    """Replace the database and MEDIA_ROOT with the backup's. Returns the manifest."""
    engine = database_engine(alias)
    manifest = inspect_backup(path)
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database and the current one is {engine}. "
            "Restore it into the same kind of database (or move data with dumpdata/loaddata)."
        )
    backup_dir = Path(settings.BACKUP_DIR)
    backup_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=backup_dir, prefix=".restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(path, "r") as archive:
                # The "data" filter refuses absolute paths, "..", links out of the folder, devices.
                archive.extractall(work, filter="data")
        except (OSError, tarfile.TarError) as error:
            raise BackupError(f"Cannot unpack {path}: {error}")
        dump = work / manifest["database"]
        if not dump.is_file():
            raise BackupError(f"The backup has no {manifest['database']}.")
        _restore_database(engine, dump, alias)
        _replace_media(work / MEDIA_PREFIX.rstrip("/"))
    # Whole pages are cached for readers (here and at the edge): they must not outlive the
    # content they showed. Only this site's keys: others may share the Redis database.
    clear_site_cache()
    return manifest
