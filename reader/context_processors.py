from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# The default tagline, for the translators (settings.SITE_TAGLINE is looked up at run time).
gettext_noop("Artificial intelligence in Hong Kong")


def site(request):
    """The publication's name and tagline (in the page's language), for every template."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_TAGLINE": gettext(settings.SITE_TAGLINE)}
