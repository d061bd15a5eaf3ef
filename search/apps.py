from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def index_saved_article(sender, instance, raw=False, using="default", **kwargs):
    from .index import index_rows

    index_rows([(instance.pk, instance.title, instance.standfirst, instance.body)], using=using)


def unindex_deleted_article(sender, instance, using="default", **kwargs):
    from .index import unindex

    unindex([instance.pk], using=using)


def learn_name(sender, instance, **kwargs):
    # A new topic, organisation or section name is a word from now on, in this process;
    # other processes learn it when they next start (see the package docstring).
    from .words import segmenter

    for name in (instance.name, instance.name_zh_hant):
        if name:
            segmenter.add_word(name)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from articles.models import Article, Organisation, Section, Topic

        post_save.connect(index_saved_article, sender=Article, dispatch_uid="search_index_article")
        post_delete.connect(unindex_deleted_article, sender=Article, dispatch_uid="search_unindex_article")
        for model in (Topic, Organisation, Section):
            post_save.connect(learn_name, sender=model, dispatch_uid=f"search_learn_{model.__name__}")
