"""The hero picture comes from the image library (images.Image) instead of a file field of
its own. Each article's existing hero image becomes a library image (the same stored file,
not copied) with its alt text (the article's title when it had none); its renditions are
made on first view, or at once with `manage.py generate_renditions`."""

import django.db.models.deletion
from django.db import migrations, models


def heroes_into_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("images", "Image")
    from images.renditions import stored_dimensions

    for article in Article.objects.exclude(hero_image="").exclude(hero_image__isnull=True).iterator():
        width, height = stored_dimensions(article.hero_image.name)
        image = Image.objects.create(
            file=article.hero_image.name,
            alt_text=(article.hero_image_alt or article.title)[:250],
            width=width,
            height=height,
            uploaded_by_id=article.created_by_id,
        )
        Article.objects.filter(pk=article.pk).update(hero=image)


def heroes_back(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.exclude(hero=None).select_related("hero").iterator():
        Article.objects.filter(pk=article.pk).update(
            hero_image=article.hero.file.name, hero_image_alt=article.hero.alt_text
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_article_reading_minutes"),
        ("images", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="hero",
            field=models.ForeignKey(
                blank=True,
                help_text="The article's picture, shown above it and on its cards.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="hero_of",
                to="images.image",
                verbose_name="hero image",
            ),
        ),
        migrations.RunPython(heroes_into_library, heroes_back),
        migrations.RemoveField(model_name="article", name="hero_image"),
        migrations.RemoveField(model_name="article", name="hero_image_alt"),
    ]
