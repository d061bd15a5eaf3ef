from django.core.management.base import BaseCommand

from articles.models import Article
from search.index import reindex
from search.words import segmenter


class Command(BaseCommand):
    help = (
        "Index every article's Chinese words again (search/index.py): after bulk inserts that "
        "send no signal, or after new words entered the dictionary."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        segmenter.reset()  # the dictionary as it is now
        count = reindex(Article.objects.using(database), using=database)
        self.stdout.write(f"Indexed {count} articles.")
