"""Two editors save the same article at the same moment, against a real SQLite file: run by
test_concurrent_saves.py in a process of its own (DATABASE_URL names the file), because the
test database of the suite is in memory and one connection cannot race itself.

Both open the change form, then both post it from their own thread (their own connection).
Each save's transaction, once it has read the article, waits a moment for the other to have
read it too: without a write lock taken when the transaction begins, both then write and
SQLite refuses one with "database is locked". Prints one JSON line: what each editor got.
"""

import json
import os
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hkai_site.test_settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, router, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from articles.roles import EDITORS, ensure_roles  # noqa: E402
from newsroom.admin import ArticleAdmin  # noqa: E402
from tests.admin_forms import admin_url, form_data  # noqa: E402


def main():
    setup_test_environment()  # responses carry their context, as in the suite
    call_command("migrate", verbosity=0)
    ensure_roles()
    from django.contrib.auth.models import Group, User

    editors = []
    for name in ("first", "second"):
        user = User.objects.create_user(name, password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=EDITORS))
        editors.append(user)
    section = Section.objects.create(name="News", slug="news")
    article = Article.objects.create(
        title="Original", slug="original", body="Original body.", section=section
    )

    read = {name: threading.Event() for name in ("first", "second")}
    original_get_object = ArticleAdmin.get_object

    def get_object(self, request, object_id, from_field=None):
        obj = original_get_object(self, request, object_id, from_field)
        if (
            request.method == "POST"
            and transaction.get_connection(router.db_for_write(Article)).in_atomic_block
        ):
            me = request.user.username
            read[me].set()
            other = "second" if me == "first" else "first"
            # The other editor's save may be waiting for this one's to commit: go on then.
            read[other].wait(timeout=2)
        return obj

    ArticleAdmin.get_object = get_object
    clients, forms = {}, {}
    for user in editors:
        clients[user.username] = client = Client()
        client.force_login(user)
        forms[user.username] = client.get(admin_url("change", article.pk))
    connection.close()

    results = {}

    def save(name):
        try:
            data = form_data(forms[name], body=f"{name}'s careful body.")
            response = clients[name].post(admin_url("change", article.pk), data)
            text = response.content.decode()
            results[name] = {
                "status": response.status_code,
                "conflict": "Someone else saved this article after you opened it" in text,
                "kept_text": f"{name}&#x27;s careful body." in text,
            }
        except Exception as error:  # what a reader of the site would see as a 500
            results[name] = {"status": 500, "error": repr(error)}
        finally:
            from django.db import connections

            connections.close_all()

    threads = [threading.Thread(target=save, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    article.refresh_from_db()
    results["saved_body"] = article.body
    results["version"] = article.version
    sys.stdout.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    sys.exit(main())
