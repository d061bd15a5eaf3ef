"""The readers' site: pages (views.py, urls.py), feeds, the sitemap, pagination, related
articles and neighbours, the tag directories, template tags and context processors.
Everything it shows starts from `Article.objects.published()`."""
