from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles import counts
from operations.backups import BackupError, create_backup, inspect_backup, restore_backup
from pagecache.generation import reach


class Command(BaseCommand):
    help = (
        "Replace the database and uploaded media with a backup made by `backup`. "
        "The current state is backed up first, so a restore loses nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup file (backups/hkai-<time>.tar).")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--no-safety-backup",
            action="store_false",
            dest="safety_backup",
            help="Do not back up the current state first.",
        )
        parser.add_argument("--database", default="default", help="The database alias.")

    def recount_published(self):
        """The backup's counts hold at its time: scheduled articles may have come since.
        A backup older than the counts' table has none: migrate, then `manage.py recount`."""
        try:
            counts.recount()
        except DatabaseError:
            self.stdout.write(
                "Published counts not recounted: run `manage.py migrate`, then `manage.py recount`."
            )

    def handle(self, *args, backup, interactive=True, safety_backup=True, database="default", **options):
        try:
            manifest = inspect_backup(backup)
            if interactive:
                answer = input(
                    f"This replaces the whole database and every uploaded file with the backup of "
                    f"{manifest['created']}.\nType 'yes' to continue: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled.")
            if safety_backup:
                path, _ = create_backup(alias=database, label="before-restore")
                self.stdout.write(f"The current state is saved in {path}")
            restore_backup(backup, alias=database)
            self.recount_published()
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {backup} ({manifest['media_files']} media files). "
                "If the backup is older than the code, run `manage.py migrate` now."
            )
        )
        self.stdout.write(f"Page cache cleared. {reach()}")
