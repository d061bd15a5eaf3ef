from django.db import migrations, models

from core.text import reading_minutes


def count_existing(apps, schema_editor):
    """Articles saved before the field existed: their reading time from their body, in
    batches (bulk_update sends no signals; no page was showing a reading time yet)."""
    Article = apps.get_model("articles", "Article")
    batch = []
    for article in Article.objects.only("pk", "body").iterator(chunk_size=1000):
        article.reading_minutes = reading_minutes(article.body)
        batch.append(article)
        if len(batch) == 1000:
            Article.objects.bulk_update(batch, ["reading_minutes"])
            batch = []
    Article.objects.bulk_update(batch, ["reading_minutes"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_article_featured_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="reading_minutes",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="reading time (minutes)"),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop, elidable=True),
    ]
