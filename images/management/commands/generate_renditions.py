"""Make the renditions that are missing (images from before renditions, e.g. migration
0010's, or a new IMAGE_RENDITION_WIDTHS); --all remakes every image's."""

from django.core.management.base import BaseCommand

from images import renditions
from images.models import Image


class Command(BaseCommand):
    help = "Make missing renditions of library images (--all: remake them all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Remake every rendition.")

    def handle(self, *args, **options):
        made = 0
        for image in Image.objects.with_renditions().iterator(chunk_size=100):
            if options["all"]:
                renditions.regenerate(image)
                made += 1
                continue
            have = {r.crop for r in image.renditions.all()}
            missing = [crop for crop in renditions.CROPS if crop not in have]
            if missing:
                renditions.generate(image, missing)
                made += 1
        self.stdout.write(f"Renditions made for {made} image(s).")
