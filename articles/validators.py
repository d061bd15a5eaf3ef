"""The image validators live with the image library (images/validators.py); migration 0005
names them here."""

from images.validators import validate_image_file_size, validate_web_image

__all__ = ["validate_image_file_size", "validate_web_image"]
