from django.core.management.base import BaseCommand

from articles import counts


class Command(BaseCommand):
    help = (
        "Recount the published counts of every section, topic, organisation and author "
        "(articles/counts.py) after a load that sent no signals (bulk_create, raw SQL)."
    )

    def handle(self, *args, **options):
        counts.recount()
        total = counts.total_stories()
        self.stdout.write(self.style.SUCCESS(f"Recounted: {total} published stories."))
