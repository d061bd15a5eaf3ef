"""The small rules every app uses, each written once: language tags and localized field
names (languages.py), slugs and tag names (text.py). Imports nothing of the project's.

It is also a Django app for one command: `compile_translations` (the zh-Hant catalogue)."""
