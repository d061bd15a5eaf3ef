from django.core.management.base import BaseCommand

from pagecache.generation import invalidate_page_cache


class Command(BaseCommand):
    help = (
        "Make every app server re-render its pages on the next request. Run once per deploy "
        "(new templates) and after changing content without signals (QuerySet.update, SQL)."
    )

    def handle(self, *args, **options):
        invalidate_page_cache()
        self.stdout.write("Page cache invalidated.")
