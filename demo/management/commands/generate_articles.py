"""
Synthetic content for load tests and benchmarks: `generate_articles --count 100000`.

What it creates (deterministic for a given --seed; publication times are relative to now):
- the launch sections (demo/data/launch_content.json), if missing (existing sections are
  reused, matched by name);
- organisations (with kinds) and topics (some in Chinese) up to --organisations / --topics
  in total: existing tags count towards the target and are reused, so running it again
  adds no tags once the targets are met;
- a few dozen authors (reused by slug);
- --count NEW articles every run (additive, never idempotent: run it twice, get twice the
  articles), each with 3-8 topics, 1-3 organisations, 1-2 authors, a Markdown body of
  about 600-1200 words with `body_html` rendered, published over the last six years,
  with about 5% drafts and 2% scheduled in the next weeks.

Speed: bulk inserts (bulk_create skips save(), so slugs, body_html and reading_minutes are made here with the
model's own rules), one transaction per batch. Rendering Markdown costs ~1.5 ms a body, too
slow for 100,000, so a pool of distinct bodies is rendered once and shared.
"""

import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles import counts
from articles.models import Article, ArticleOrganisation, ArticleTopic, Author, Organisation, Section, Topic
from articles.rendering import render_markdown
from core.text import normalise_tag_name, reading_minutes, tag_slug, unicode_slugify
from demo.launch import read_content
from demo.vocabulary import (
    CHINESE_AUTHORS,
    FIELDS,
    FIELDS_ZH,
    FIRST_NAMES,
    KIND_SUFFIXES,
    KNOWN_ORGANISATIONS,
    LAST_NAMES,
    PLACES,
    PLACES_ZH,
    SUFFIXES_ZH,
    TITLE_TEMPLATES,
    TOPIC_ASPECTS,
    TOPIC_MODIFIERS,
    TOPIC_MODIFIERS_ZH,
    TOPIC_SUBJECTS,
    TOPIC_SUBJECTS_ZH,
    Vocabulary,
)
from pagecache.generation import invalidate_page_cache

DRAFT_SHARE = 0.05
SCHEDULED_SHARE = 0.02
FEATURED_SHARE = 0.02
YEARS_OF_ARCHIVE = 6


def unique_slug(name, used, max_length):
    """The tag model's slug rule (core.text.tag_slug: "-N" on a clash), checked against
    `used` instead of the database, for rows that bulk_create writes."""
    base = tag_slug(name)[: max_length - 6]
    slug, i = base, 1
    while slug in used:
        slug = tag_slug(base, i)
        i += 1
    used.add(slug)
    return slug


class Command(BaseCommand):
    help = "Create N synthetic published/draft/scheduled articles with tags, quickly (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="articles to add (default 1000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--batch-size", type=int, default=2000, help="articles per transaction")
        parser.add_argument(
            "--organisations", type=int, default=2000, help="organisations in total (default 2000)"
        )
        parser.add_argument("--topics", type=int, default=5000, help="topics in total (default 5000)")
        parser.add_argument("--authors", type=int, default=36, help="authors in total (default 36)")
        parser.add_argument(
            "--body-pool",
            type=int,
            default=2000,
            help="distinct bodies rendered once and shared between articles (default 2000)",
        )

    def handle(self, *args, **options):
        for name in ("count", "batch_size", "body_pool"):
            if options[name] < (0 if name == "count" else 1):
                raise CommandError(f"--{name.replace('_', '-')} is too small.")
        self.rng = random.Random(options["seed"])
        self.vocabulary = Vocabulary(self.rng)
        started = time.monotonic()

        sections = self.ensure_sections()
        organisations = self.ensure_organisations(options["organisations"])
        topics = self.ensure_topics(options["topics"])
        authors = self.ensure_authors(options["authors"])
        if not (organisations and topics and authors):
            raise CommandError("Need at least one organisation, topic and author.")
        self.stdout.write(
            f"{len(sections)} sections, {len(organisations)} organisations, {len(topics)} topics, "
            f"{len(authors)} authors ready in {time.monotonic() - started:.1f}s"
        )

        count = options["count"]
        if count:
            bodies = self.render_body_pool(min(options["body_pool"], count))
            self.create_articles(
                count, options["batch_size"], sections, organisations, topics, authors, bodies
            )
        self.refresh_planner_statistics()
        # bulk_create sends no signals: tell every app server's page cache in one go.
        self.invalidate_caches()
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {count} articles in {time.monotonic() - started:.1f}s "
                f"({Article.objects.count()} articles in total)."
            )
        )

    # -- reference data ---------------------------------------------------------------------

    def ensure_sections(self):
        """The launch content's sections (demo/data/launch_content.json), if missing."""
        existing = {s.name.lower(): s for s in Section.objects.all()}
        used_slugs = set(Section.objects.values_list("slug", flat=True))
        for position, data in enumerate(read_content()["sections"], start=1):
            name = data["name"]
            if name.lower() not in existing:
                existing[name.lower()] = Section.objects.create(
                    name=name,
                    name_zh_hant=data.get("name_zh_hant", ""),
                    slug=unique_slug(name, used_slugs, 100),
                    description=data.get("description", ""),
                    position=data.get("position", position),
                )
        return list(Section.objects.all())

    def _top_up_tags(self, model, target, candidates, build):
        """Create tags from `candidates` until `target` exist; names unique ignoring case,
        slugs unique by the model's rule. Returns ids of all tags, in a fixed order."""
        names = {n.lower() for n in model.objects.values_list("name", flat=True)}
        slugs = set(model.objects.values_list("slug", flat=True))
        missing = target - len(names)
        new = []
        for name in candidates:
            if len(new) >= missing:
                break
            name = normalise_tag_name(name)[:100]
            if name.lower() in names:
                continue
            names.add(name.lower())
            new.append(build(name, unique_slug(name, slugs, 100)))
        if len(new) < missing:
            raise CommandError(f"Ran out of distinct {model._meta.verbose_name_plural} names.")
        with transaction.atomic():
            model.objects.bulk_create(new, batch_size=1000)
        return list(model.objects.order_by("pk").values_list("pk", flat=True))

    def organisation_names(self):
        rng = self.rng
        yield from KNOWN_ORGANISATIONS
        combos = [
            (f"{place} {field} {suffix}", kind)
            for kind, suffixes in KIND_SUFFIXES.items()
            for place in PLACES
            for field in FIELDS
            for suffix in suffixes
        ]
        combos += [
            (
                f"{place}{field}{suffix}",
                Organisation.Kind.RESEARCH if suffix != "科技公司" else Organisation.Kind.STARTUP,
            )
            for place in PLACES_ZH
            for field in FIELDS_ZH
            for suffix in SUFFIXES_ZH
        ]
        rng.shuffle(combos)
        yield from combos

    def ensure_organisations(self, target):
        kinds = {}

        def names():
            for name, kind in self.organisation_names():
                kinds[normalise_tag_name(name)[:100]] = kind
                yield name

        def build(name, slug):
            return Organisation(name=name, slug=slug, kind=kinds[name])

        return self._top_up_tags(Organisation, target, names(), build)

    def topic_names(self):
        rng = self.rng
        english = list(TOPIC_SUBJECTS) + [f"{m} {s}" for m in TOPIC_MODIFIERS for s in TOPIC_SUBJECTS]
        english += [f"{s} {a}" for s in TOPIC_SUBJECTS for a in TOPIC_ASPECTS]
        chinese = list(TOPIC_SUBJECTS_ZH) + [f"{m}{s}" for m in TOPIC_MODIFIERS_ZH for s in TOPIC_SUBJECTS_ZH]
        rng.shuffle(english)
        rng.shuffle(chinese)
        # About one topic in eight is Chinese, mixed through the list.
        while english or chinese:
            pick_chinese = chinese and (not english or rng.random() < 0.125)
            yield (chinese if pick_chinese else english).pop()
        # Beyond two-word names (about 4,000 with the Chinese ones): three words, then
        # numbered themes, so any --topics target can be met.
        longer = [f"{m} {s} {a}" for m in TOPIC_MODIFIERS for s in TOPIC_SUBJECTS for a in TOPIC_ASPECTS]
        rng.shuffle(longer)
        yield from longer
        for n in range(1, 10**7):
            yield f"{rng.choice(TOPIC_MODIFIERS)} {rng.choice(TOPIC_SUBJECTS)} {n}"

    def ensure_topics(self, target):
        return self._top_up_tags(
            Topic, target, self.topic_names(), lambda name, slug: Topic(name=name, slug=slug)
        )

    def ensure_authors(self, target):
        existing = list(Author.objects.order_by("pk"))
        used_slugs = {a.slug for a in existing}
        names = CHINESE_AUTHORS + [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        self.rng.shuffle(names)
        taken = {a.name for a in existing}
        new = []
        for name in names:
            if len(existing) + len(new) >= target:
                break
            if name not in taken:
                new.append(Author(name=name, slug=unique_slug(name, used_slugs, 120)))
        Author.objects.bulk_create(new)
        return list(Author.objects.order_by("pk").values_list("pk", flat=True))

    # -- articles ---------------------------------------------------------------------------

    def render_body_pool(self, size):
        started = time.monotonic()
        pool = []
        for _ in range(size):
            body = self.vocabulary.body()
            pool.append((body, render_markdown(body), reading_minutes(body)))
        self.stdout.write(f"Rendered {size} distinct bodies in {time.monotonic() - started:.1f}s")
        return pool

    def title(self, org_name, org2_name, topic_name):
        rng = self.rng
        template = rng.choice(TITLE_TEMPLATES)
        return template.format(
            org=org_name,
            org2=org2_name,
            topic=topic_name,
            subject=rng.choice(TOPIC_SUBJECTS),
            topic_zh=rng.choice(TOPIC_SUBJECTS_ZH),
            subject_zh=rng.choice(TOPIC_SUBJECTS_ZH),
        )[:200]

    def publication(self, now):
        """(status, published_at): mostly published over the archive, some drafts and
        some scheduled, newer articles denser than older ones."""
        roll = self.rng.random()
        if roll < DRAFT_SHARE:
            # Half the drafts carry a planned time; a draft is never public whatever its time.
            when = now - timedelta(days=self.rng.uniform(-30, 30)) if roll < DRAFT_SHARE / 2 else None
            return Article.Status.DRAFT, when
        if roll < DRAFT_SHARE + SCHEDULED_SHARE:
            return Article.Status.PUBLISHED, now + timedelta(minutes=self.rng.uniform(60, 60 * 24 * 60))
        age_days = (self.rng.random() ** 1.5) * 365 * YEARS_OF_ARCHIVE
        return Article.Status.PUBLISHED, now - timedelta(days=age_days, seconds=self.rng.uniform(0, 3600))

    def weighted_sampler(self, ids, exponent):
        """Draw distinct ids with Zipf-like popularity: a few tags are on many articles,
        most on a few (what real tag clouds look like, and what query plans must handle)."""
        cum_weights, total = [], 0.0
        for rank in range(1, len(ids) + 1):
            total += 1.0 / rank**exponent
            cum_weights.append(total)
        shuffled = list(ids)
        self.rng.shuffle(shuffled)

        def sample(k):
            k = min(k, len(shuffled))
            chosen = {}  # a dict keeps the draw order (a set's order depends on the ids)
            while len(chosen) < k:
                for pk in self.rng.choices(shuffled, cum_weights=cum_weights, k=k - len(chosen)):
                    chosen[pk] = None
            return list(chosen)

        return sample

    def create_articles(self, count, batch_size, sections, organisation_ids, topic_ids, author_ids, bodies):
        rng = self.rng
        now = timezone.now()
        sample_topics = self.weighted_sampler(topic_ids, 0.9)
        sample_organisations = self.weighted_sampler(organisation_ids, 0.9)
        organisation_names = dict(Organisation.objects.values_list("pk", "name"))
        topic_names = dict(Topic.objects.values_list("pk", "name"))
        used_slugs = set(Article.objects.values_list("slug", flat=True))
        sequence = Article.objects.count()
        AuthorLink = Article.authors.through
        progress = Progress(self.stdout, count)

        done = 0
        while done < count:
            size = min(batch_size, count - done)
            articles, links = [], []
            for _ in range(size):
                topics = sample_topics(rng.randint(3, 8))
                organisations = sample_organisations(rng.randint(1, 3))
                authors = rng.sample(author_ids, min(len(author_ids), rng.randint(1, 2)))
                partner = organisations[-1] if len(organisations) > 1 else rng.choice(organisation_ids)
                title = self.title(
                    organisation_names[organisations[0]],
                    organisation_names[partner],
                    topic_names[topics[0]],
                )
                sequence += 1
                slug = f"{unicode_slugify(title)[:180]}-{sequence}"
                while slug in used_slugs:
                    sequence += 1
                    slug = f"{unicode_slugify(title)[:180]}-{sequence}"
                used_slugs.add(slug)
                status, published_at = self.publication(now)
                body, body_html, minutes = rng.choice(bodies)
                articles.append(
                    Article(
                        title=title,
                        slug=slug,
                        standfirst=self.vocabulary.sentence(),
                        body=body,
                        body_html=body_html,
                        reading_minutes=minutes,
                        section=rng.choice(sections),
                        status=status,
                        published_at=published_at,
                        featured=rng.random() < FEATURED_SHARE,
                    )
                )
                links.append((topics, organisations, authors))

            with transaction.atomic():
                Article.objects.bulk_create(articles, batch_size=500)
                topic_rows, organisation_rows, author_rows = [], [], []
                for article, (topics, organisations, authors) in zip(articles, links, strict=True):
                    topic_rows += [ArticleTopic(content_object_id=article.pk, tag_id=t) for t in topics]
                    organisation_rows += [
                        ArticleOrganisation(content_object_id=article.pk, tag_id=o) for o in organisations
                    ]
                    author_rows += [AuthorLink(article_id=article.pk, author_id=a) for a in authors]
                ArticleTopic.objects.bulk_create(topic_rows, batch_size=5000)
                ArticleOrganisation.objects.bulk_create(organisation_rows, batch_size=5000)
                AuthorLink.objects.bulk_create(author_rows, batch_size=5000)
            done += size
            progress.update(done)
        progress.finish()

    def refresh_planner_statistics(self):
        """Without fresh statistics PostgreSQL plans the next queries for an empty table
        (bench/RESULTS.md: 34 estimated published rows instead of 93,000, and plans 5-30x
        slower) until autovacuum gets round to it. VACUUM also sets the visibility map,
        which index-only scans need; it cannot run inside a transaction, ANALYZE can."""
        tables = [
            m._meta.db_table
            for m in (
                Article,
                ArticleTopic,
                ArticleOrganisation,
                Article.authors.through,
                Topic,
                Organisation,
            )
        ]
        command = (
            "ANALYZE"
            if connection.in_atomic_block or connection.vendor != "postgresql"
            else "VACUUM (ANALYZE)"
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"{command} {', '.join(connection.ops.quote_name(t) for t in tables)}")
            else:
                cursor.execute("ANALYZE")

    def invalidate_caches(self):
        # bulk_create kept no published counts: recount them (articles/counts.py).
        counts.recount()
        invalidate_page_cache()


class Progress:
    """A plain-text progress bar: redrawn in place on a terminal, a line per 10% otherwise."""

    def __init__(self, stdout, total, width=30):
        self.stdout = stdout
        self.total = total
        self.width = width
        self.started = time.monotonic()
        self.tty = hasattr(stdout, "isatty") and stdout.isatty()
        self.last_decile = -1

    def update(self, done):
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        eta = (self.total - done) / rate if rate else 0
        filled = int(self.width * done / self.total) if self.total else self.width
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {done:,}/{self.total:,} articles "
            f"{rate:,.0f}/s, {elapsed:.0f}s elapsed, ETA {eta:.0f}s"
        )
        if self.tty:
            self.stdout.write("\r" + line, ending="")
            self.stdout.flush()
        else:
            decile = int(10 * done / self.total) if self.total else 10
            if decile != self.last_decile:
                self.last_decile = decile
                self.stdout.write(line)

    def finish(self):
        if self.tty:
            self.stdout.write("")
