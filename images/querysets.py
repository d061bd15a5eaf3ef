"""Finding library images: the chooser's search, and the renditions prefetch every page
with pictures uses."""

from django.db import models
from django.db.models import Q


class ImageQuerySet(models.QuerySet):
    def search(self, query):
        """Images whose alt text, caption or credit contain every word of `query`."""
        images = self
        for word in (query or "").split()[:10]:
            images = images.filter(
                Q(alt_text__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
            )
        return images

    def with_renditions(self):
        # One query for the renditions of every image listed, however many.
        return self.prefetch_related("renditions")
