"""Load the site owner's launch content (and, with DEBUG on, two demo accounts).

The structure (sections, organisations, topics, articles) is in
demo/data/launch_content.json; article bodies come from the owner's source text
next to it, by part ("introduction", a section heading, "conclusion"), so the words
are the owner's and live in one place. Each article also has a Traditional Chinese
version (its `zh_hant` entry), whose body is the same parts of the translation of the
owner's text (`source_zh_hant`, headings as `headings_zh_hant` names them), linked to
the English one as its translation.

The rule for reruns: create what is missing, leave what exists alone. Records are
matched by slug (sections also by name, tags by name ignoring case, accounts by
username), and an existing record is never changed, so a second run changes nothing
and never undoes an editor's work. A Chinese version is created, and linked, only when
its slug is free and its English article has no translation yet (an editor who linked
another keeps theirs); it takes the English article's status and time, so an article an
editor unpublished is not published again in Chinese. The one exception only adds: a section, organisation
or topic without a Chinese name gets the launch content's (sites loaded before there
were Chinese names get them; a name an editor wrote is kept). To start over on SQLite,
delete db.sqlite3.

Pictures: each launch article gets its picture (drawn by demo/pictures.py, stored as a
library image) when the loader creates it, or when it has none and has never been saved
since it was loaded (version 1): an editor who removed or replaced it is never overruled.
A launch picture already in the library (found by its file name) is reused, never drawn twice.
"""

import os
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from articles import counts
from articles.models import Article, Author, Organisation, Section, Topic
from articles.roles import EDITORS, WRITERS, ensure_roles
from core.languages import localized_field
from demo.launch import DATA_DIR, read_content
from demo.pictures import CREDIT, draw_jpeg
from images.models import Image

# The source's layout: the title, two blank lines, the introduction and the headed
# sections (one blank line between blocks), two blank lines, the conclusion.
_TWO_OR_MORE_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n){2,}")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")

CHINESE = Article.Language.CHINESE

# username -> (role group, byline)
DEMO_ACCOUNTS = {
    "editor": (EDITORS, "Demo Editor"),
    "writer": (WRITERS, "Demo Writer"),
}


def split_source(text, headings):
    """Split the owner's text into parts: "title", "introduction", one part per
    heading (blocks that equal one of `headings`) and "conclusion"; each part is a
    list of paragraphs."""
    text = text.replace("\r\n", "\n").strip()
    chunks = _TWO_OR_MORE_BLANK_LINES.split(text)
    if len(chunks) != 3:
        raise CommandError(
            "The source text should be: title, two blank lines, introduction and sections, "
            f"two blank lines, conclusion; found {len(chunks)} parts instead of 3."
        )
    title, middle, conclusion = chunks
    parts = {"title": [title.strip()], "introduction": [], "conclusion": []}
    current = "introduction"
    for block in _BLANK_LINES.split(middle):
        block = block.strip()
        if block in headings:
            current = block
            parts[current] = []
        elif block:
            parts[current].append(block)
    parts["conclusion"] = [p.strip() for p in _BLANK_LINES.split(conclusion) if p.strip()]
    return parts


def article_bodies(content, data_dir=DATA_DIR, language=None):
    """{article slug: Markdown body} built from the source text; with language="zh-hant",
    from its translation, keyed by the English article's slug."""
    source_name = content[localized_field("source", language) if language else "source"]
    headings = content.get(localized_field("headings", language), {}) if language else {}
    source = (data_dir / source_name).read_text(encoding="utf-8")
    wanted = {headings.get(part, part) for article in content["articles"] for part in article["body"]}
    parts = split_source(source, wanted - {"title", "introduction", "conclusion"})
    missing = sorted(part for part in wanted if not parts.get(part))
    if missing:
        raise CommandError(f"{source_name} has no text for: {', '.join(missing)}")
    return {
        article["slug"]: "\n\n".join(p for part in article["body"] for p in parts[headings.get(part, part)])
        for article in content["articles"]
    }


class Command(BaseCommand):
    help = (
        "Load the launch content (sections, organisations, topics, articles) from "
        "demo/data/. Creates what is missing and leaves existing records alone, so it "
        "is safe to run again. With DEBUG on it also creates demo 'editor' and 'writer' "
        "accounts (password from DEMO_PASSWORD, or generated and printed)."
    )

    def handle(self, *args, **options):
        content = read_content()
        bodies = article_bodies(content)
        chinese_bodies = article_bodies(content, language=CHINESE)
        with transaction.atomic():
            self.created = {"sections": 0, "organisations": 0, "topics": 0, "authors": 0, "articles": 0}
            self.pictures_added = 0
            self.chinese_created = 0
            authors = {a["slug"]: self.author(a) for a in content["authors"]}
            sections = {s["slug"]: self.section(s) for s in content["sections"]}
            organisations = {o["name"]: self.organisation(o) for o in content["organisations"]}
            topics = {t["name"]: self.topic(t) for t in content["topics"]}
            now = timezone.now().replace(second=0, microsecond=0)
            for data in content["articles"]:
                english = self.article(
                    data, bodies[data["slug"]], now, sections, organisations, topics, authors
                )
                if data.get("zh_hant"):
                    self.chinese_version(english, data["zh_hant"], chinese_bodies[data["slug"]])
            # Each save kept the published counts; a recount makes sure of them all at once
            # (a rerun that created nothing writes nothing).
            if any(self.created.values()) or self.chinese_created:
                counts.recount()
            self.report(content)
            if settings.DEBUG:
                self.demo_accounts()
            else:
                self.stdout.write("DEBUG is off: no demo accounts created.")

    def report(self, content):
        for kind, created in self.created.items():
            existing = len(content[kind]) - created
            self.stdout.write(f"{kind.capitalize()}: {created} created, {existing} already there.")
        self.stdout.write(f"Pictures: {self.pictures_added} added to launch articles.")
        chinese = sum(1 for data in content["articles"] if data.get("zh_hant"))
        self.stdout.write(
            f"Chinese versions: {self.chinese_created} created, {chinese - self.chinese_created} "
            "already there or left to an editor's choice."
        )

    def author(self, data):
        author, created = Author.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "name": data["name"],
                "name_zh_hant": data.get("name_zh_hant", ""),
                "bio": data.get("bio", ""),
                "bio_zh_hant": data.get("bio_zh_hant", ""),
            },
        )
        self.created["authors"] += created
        return author

    def section(self, data):
        # By name too: an editor may have changed the slug, and names are unique.
        section = Section.objects.filter(Q(slug=data["slug"]) | Q(name=data["name"])).first()
        if section is None:
            section = Section.objects.create(**data)
            self.created["sections"] += 1
        else:
            self.add_chinese_name(section, data)
        return section

    def add_chinese_name(self, record, data):
        """Fill in the Chinese name of an existing record that has none; never replace one."""
        if data.get("name_zh_hant") and not record.name_zh_hant:
            record.name_zh_hant = data["name_zh_hant"]
            record.save(update_fields=["name_zh_hant"])

    def organisation(self, data):
        return self.tag(Organisation, data, "organisations")

    def topic(self, data):
        return self.tag(Topic, data, "topics")

    def tag(self, model, data, counter):
        # Tag names are unique ignoring case ("Fintech" is "fintech"), as the database enforces.
        tag = model.objects.filter(name__iexact=data["name"]).first()
        if tag is None:
            tag = model.objects.create(**data)
            self.created[counter] += 1
        else:
            self.add_chinese_name(tag, data)
        return tag

    def article(self, data, body, now, sections, organisations, topics, authors):
        existing = Article.objects.filter(slug=data["slug"]).first()
        if existing is not None:
            self.picture(existing, data)
            return existing
        article = Article.objects.create(
            slug=data["slug"],
            title=data["title"],
            standfirst=data["standfirst"],
            body=body,
            section=sections[data["section"]],
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=data["published_hours_ago"]),
            featured=data.get("featured", False),
        )
        # Tag instances, not names, so that taggit never creates a second tag for a name.
        article.organisations.add(*(organisations[name] for name in data["organisations"]))
        article.topics.add(*(topics[name] for name in data["topics"]))
        article.authors.add(*(authors[slug] for slug in data["authors"]))
        self.created["articles"] += 1
        self.picture(article, data)
        return article

    def picture(self, article, data):
        picture = data.get("picture")
        if not picture or article.hero_id is not None or article.version != 1:
            return
        name = f"hkai-launch-{picture['motif']}"
        image = Image.objects.filter(file__contains=name).order_by("pk").first()
        if image is None:
            image = Image(
                alt_text=picture["alt_text"],
                caption=picture.get("caption", ""),
                credit=CREDIT,
                focal_x=picture.get("focal_x", 50),
                focal_y=picture.get("focal_y", 50),
            )
            image.file.save(f"{name}.jpg", ContentFile(draw_jpeg(picture["motif"])), save=False)
            image.save()
        article.hero = image
        article.save(update_fields=["hero"])
        self.pictures_added += 1

    def chinese_version(self, english, data, body):
        """The English article's Traditional Chinese version, linked as its translation:
        created only where the slug is free and the English article has no translation yet.
        Same section, tags, bylines, status and time as the English article, as it is now."""
        if english.translation_id is not None or Article.objects.filter(slug=data["slug"]).exists():
            return
        chinese = Article.objects.create(
            slug=data["slug"],
            title=data["title"],
            standfirst=data["standfirst"],
            body=body,
            language=CHINESE,
            translation=english,
            section=english.section,
            status=english.status,
            published_at=english.published_at,
            featured=english.featured,
            hero=english.hero,  # the same picture (its alt text and caption are in English)
        )
        chinese.organisations.add(*english.organisations.all())
        chinese.topics.add(*english.topics.all())
        chinese.authors.add(*english.authors.all())
        self.chinese_created += 1

    def demo_accounts(self):
        User = get_user_model()
        missing = [name for name in DEMO_ACCOUNTS if not User.objects.filter(username=name).exists()]
        if not missing:
            self.stdout.write("Demo accounts already exist; their passwords are unchanged.")
            return
        password = os.environ.get("DEMO_PASSWORD") or get_random_string(16)
        ensure_roles()  # gone after `manage.py flush`; the accounts need them
        for username in missing:
            role, byline = DEMO_ACCOUNTS[username]
            group = Group.objects.get(name=role)
            user = User.objects.create_user(username=username, password=password, is_staff=True)
            user.groups.add(group)
            Author.objects.get_or_create(slug=f"demo-{username}", defaults={"name": byline, "user": user})
        login = f"Log in at {reverse('admin:index')}."
        if os.environ.get("DEMO_PASSWORD"):
            # Nothing secret to show: the operator chose it.
            message = (
                f"Demo accounts created: {', '.join(missing)}; their password is DEMO_PASSWORD's. {login}"
            )
        else:
            message = (
                f"Demo accounts created: {', '.join(missing)}; password: {password}\n"
                f"{login} The password is shown this once; `manage.py changepassword` resets it."
            )
        self.stdout.write(self.style.SUCCESS(message))
