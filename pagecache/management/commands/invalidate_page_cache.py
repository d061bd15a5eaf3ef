from django.core.management.base import BaseCommand

from pagecache.generation import invalidate_page_cache, reach
from pagecache.purge import purge_keys
from pagecache.surrogate import SITE_KEY


class Command(BaseCommand):
    help = (
        "Make every app server re-render its pages on the next request, and purge every page "
        "at the edge (softly: readers get the old page while the new one renders). Run once "
        "per deploy (new templates) and after changing content without signals "
        "(QuerySet.update, SQL)."
    )

    def handle(self, *args, **options):
        invalidate_page_cache()
        purge_keys({SITE_KEY})
        self.stdout.write(f"Page cache invalidated. {reach()}")
