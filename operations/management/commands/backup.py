from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and uploaded media into one file under backups/ (or --output)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="The backup file to write (default: backups/hkai-<time>.tar).")
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, output=None, database="default", **options):
        try:
            path, manifest = create_backup(output, alias=database)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest['engine']} database and {manifest['media_files']} media files to {path}"
            )
        )
