"""The site's URLs plus /bench/reference/: the floor every page is compared with."""

from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from articles.models import Section
from hkai_site import urls as site_urls


class ReferenceView(TemplateView):
    """The least a Django page can cost here: one query and a ~24 KB template, through
    the same middleware stack as the site (never_cache keeps the page cache out of it)."""

    template_name = "bench/reference.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=Section.objects.first(), **kwargs)


# The site's patterns are extended, not include()d: i18n_patterns must stay in a root URLconf.
urlpatterns = [
    path("bench/reference/", never_cache(ReferenceView.as_view()), name="bench_reference"),
    *site_urls.urlpatterns,
]
