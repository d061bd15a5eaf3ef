"""The newsroom, in Django's admin: the screens (admin.py), the article form (forms.py), who
may see, change and publish what (permissions.py), revision history (history.py), and the
admin site itself (sites.py)."""
