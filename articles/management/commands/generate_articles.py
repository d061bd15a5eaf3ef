"""
Synthetic content for load tests and benchmarks: `generate_articles --count 100000`.

What it creates (deterministic for a given --seed; publication times are relative to now):
- the five launch sections, if missing (existing sections are reused, matched by name);
- organisations (with kinds) and topics (some in Chinese) up to --organisations / --topics
  in total: existing tags count towards the target and are reused, so running it again
  adds no tags once the targets are met;
- a few dozen authors (reused by slug);
- --count NEW articles every run (additive, never idempotent: run it twice, get twice the
  articles), each with 3-8 topics, 1-3 organisations, 1-2 authors, a Markdown body of
  about 600-1200 words with `body_html` rendered, published over the last six years,
  with about 5% drafts and 2% scheduled in the next weeks.

Speed: bulk inserts (bulk_create skips save(), so slugs and body_html are made here with the
model's own rules), one transaction per batch. Rendering Markdown costs ~1.5 ms a body, too
slow for 100,000, so a pool of distinct bodies is rendered once and shared.
"""
import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles.cache import invalidate_page_cache
from articles.models import (
    Article,
    ArticleOrganisation,
    ArticleTopic,
    Author,
    Organisation,
    Section,
    Topic,
    normalise_tag_name,
    unicode_slugify,
)
from articles.rendering import render_markdown

LAUNCH_SECTIONS = [
    ("Government Initiatives", "Policy, funding and public services that shape AI in Hong Kong."),
    ("Startups and Innovation Hubs", "Founders, incubators and the places they build."),
    ("Financial Sector Transformation", "Banks, insurers and regulators putting AI to work."),
    ("Challenges and Ethical Considerations", "Privacy, jobs, fairness and the rules of the road."),
    ("International Collaboration", "Partnerships that connect Hong Kong with the world."),
]

DRAFT_SHARE = 0.05
SCHEDULED_SHARE = 0.02
FEATURED_SHARE = 0.02
YEARS_OF_ARCHIVE = 6

# ---------------------------------------------------------------------------------------
# Vocabulary. Enough combinations for thousands of distinct names; nothing here is real news.

PLACES = [
    "Kowloon", "Victoria", "Harbour", "Pearl River", "Lantau", "Tsim Sha Tsui", "Sha Tin",
    "Central", "Wan Chai", "Kwun Tong", "Tai Po", "Sai Kung", "Tsuen Wan", "Aberdeen",
    "Causeway Bay", "Mong Kok", "Quarry Bay", "Sheung Wan", "Tseung Kwan O", "Lion Rock",
    "Peak", "Junk Bay", "Stonecutters", "Cheung Chau", "Lamma", "Tung Chung", "Yuen Long",
    "Tin Shui Wai", "Fanling", "Ma On Shan",
]
FIELDS = [
    "AI", "Robotics", "Analytics", "Quantum", "Vision", "Data", "Fintech", "Neural",
    "Cognitive", "Language", "Health AI", "Mobility", "Logistics", "Insurtech", "Regtech",
    "Edge Computing", "Cloud", "Semiconductor", "Smart City", "Biotech",
]
KIND_SUFFIXES = {
    Organisation.Kind.STARTUP: ["Labs", "Technologies", "Systems", "Works", "Dynamics"],
    Organisation.Kind.RESEARCH: ["Research Centre", "Institute", "Laboratory"],
    Organisation.Kind.UNIVERSITY: ["University AI Lab", "College of Computing", "School of Data Science"],
    Organisation.Kind.GOVERNMENT: ["Office", "Bureau", "Commission", "Authority"],
    Organisation.Kind.FINANCIAL: ["Bank", "Capital", "Securities", "Insurance", "Asset Management"],
    Organisation.Kind.INCUBATOR: ["Accelerator", "Innovation Hub", "Incubator"],
    Organisation.Kind.INTERNATIONAL: ["Partnership", "Alliance", "Consortium", "Forum"],
    Organisation.Kind.OTHER: ["Association", "Foundation", "Council"],
}
KNOWN_ORGANISATIONS = [
    ("Hong Kong Applied Science and Technology Research Institute", Organisation.Kind.RESEARCH),
    ("Cyberport", Organisation.Kind.INCUBATOR),
    ("Hong Kong Science and Technology Parks", Organisation.Kind.INCUBATOR),
    ("Hong Kong Monetary Authority", Organisation.Kind.GOVERNMENT),
    ("Innovation and Technology Commission", Organisation.Kind.GOVERNMENT),
    ("Office of the Privacy Commissioner for Personal Data", Organisation.Kind.GOVERNMENT),
    ("Securities and Futures Commission", Organisation.Kind.GOVERNMENT),
    ("InnoHK", Organisation.Kind.RESEARCH),
    ("香港生產力促進局", Organisation.Kind.GOVERNMENT),
    ("數碼港", Organisation.Kind.INCUBATOR),
]
PLACES_ZH = ["九龍", "維港", "珠江", "大嶼山", "沙田", "中環", "灣仔", "觀塘", "大埔", "西貢", "荃灣", "將軍澳"]
FIELDS_ZH = ["人工智能", "機械人", "數據", "量子", "視覺", "金融科技", "語言", "醫療科技", "智慧城市", "物流"]
SUFFIXES_ZH = ["研究所", "實驗室", "科技公司", "創新中心", "協會"]

TOPIC_MODIFIERS = [
    "generative", "responsible", "explainable", "federated", "edge", "multimodal", "open-source",
    "trustworthy", "low-code", "real-time", "privacy-preserving", "autonomous", "cross-border",
    "green", "quantum", "applied", "conversational", "predictive", "secure", "small-language",
    "on-device", "synthetic", "human-centred", "agentic", "embedded", "distributed", "ethical",
    "regulated", "scalable", "inclusive", "bilingual", "Cantonese", "cloud-native", "hybrid",
    "sovereign", "industrial", "consumer", "enterprise", "public-sector", "frontier",
]
TOPIC_SUBJECTS = [
    "AI", "machine learning", "computer vision", "language models", "robotics", "data governance",
    "fintech", "regtech", "insurtech", "healthcare", "smart city", "logistics", "education",
    "retail", "cybersecurity", "chips", "cloud computing", "talent", "ethics", "regulation",
    "startups", "venture capital", "payments", "mobility", "biotech", "property", "tourism",
    "legal tech", "manufacturing", "climate", "wealth management", "trade finance", "banking",
    "insurance", "elderly care", "transport", "energy", "agriculture", "media", "gaming",
    "translation", "speech recognition", "recommendation systems", "fraud detection",
    "credit scoring", "supply chains", "drones", "sensors", "data centres", "open data",
    "digital identity", "e-government", "public health", "medical imaging", "drug discovery",
    "research funding", "university spin-offs", "accelerators", "standards", "benchmarks",
]
TOPIC_ASPECTS = [
    "policy", "funding", "research", "adoption", "regulation", "skills", "partnerships",
    "investment", "standards", "pilots", "risks", "governance", "procurement", "infrastructure",
]
TOPIC_MODIFIERS_ZH = [
    "生成式", "負責任的", "可解釋", "聯邦", "邊緣", "多模態", "開源", "可信", "實時", "跨境",
    "綠色", "應用", "對話式", "預測性", "安全", "雙語", "粵語", "企業", "公營", "前沿",
]
TOPIC_SUBJECTS_ZH = [
    "人工智能", "機器學習", "電腦視覺", "語言模型", "機械人", "數據治理", "金融科技", "監管科技",
    "保險科技", "醫療", "智慧城市", "物流", "教育", "零售", "網絡安全", "晶片", "雲端運算", "人才",
    "倫理", "規管", "初創企業", "創業投資", "支付", "交通", "生物科技", "旅遊", "製造業", "氣候",
    "財富管理", "銀行",
]

FIRST_NAMES = [
    "Emily", "Jason", "Karen", "Michael", "Grace", "Kelvin", "Winnie", "Raymond", "Joyce",
    "Alan", "Cecilia", "Dennis", "Fiona", "Gordon", "Helen", "Ivan", "Janice", "Kenneth",
]
LAST_NAMES = ["Chan", "Wong", "Lau", "Cheung", "Leung", "Ng", "Ho", "Lee", "Tam", "Yip", "Chow", "Lam"]
CHINESE_AUTHORS = ["陳大文", "李嘉欣", "黃志明", "張美玲", "劉家輝", "何詠詩"]

SUBJECTS = [
    "The government", "A new consortium", "Local startups", "Researchers at a university lab",
    "Several banks", "The regulator", "An innovation hub", "Investors", "Hospital teams",
    "Policy makers", "Engineers in Kowloon", "A cross-border task force", "Insurers",
    "Data scientists", "Educators", "Logistics firms", "City planners", "Founders",
]
VERBS = [
    "announced", "expanded", "piloted", "tested", "funded", "questioned", "launched",
    "reviewed", "deployed", "published", "proposed", "scaled up", "paused", "evaluated",
]
OBJECTS = [
    "a programme for machine learning in public services",
    "guidelines on the responsible use of generative models",
    "a sandbox for AI-driven credit assessments",
    "a shared computing cluster for researchers",
    "an open dataset of bilingual legal documents",
    "a training scheme for data engineers",
    "computer vision tools for construction safety",
    "chatbots that answer tax questions in Cantonese and English",
    "fraud detection models across retail payments",
    "a study of algorithmic bias in hiring",
    "robotic assistants for elderly care homes",
    "predictive maintenance on the MTR network",
    "route optimisation for container terminals",
    "a fund for early-stage AI companies",
    "privacy impact assessments for facial recognition",
]
CLAUSES = [
    "after months of consultation with industry",
    "despite concerns over privacy and data security",
    "as competition for talent across the region intensifies",
    "with support from international partners",
    "in a bid to strengthen the city's role as a financial centre",
    "while critics called for clearer accountability",
    "following a successful trial at Cyberport",
    "as part of the Greater Bay Area strategy",
    "to close the gap between research and commercial use",
    "with results expected before the end of the year",
]
COMMENTS = [
    "Analysts said the move could set a benchmark for the rest of Asia.",
    "The details of the funding were not disclosed.",
    "Officials stressed that human oversight would remain in place.",
    "Early users reported faster turnaround times and fewer manual checks.",
    "Some practitioners warned that the models need more local data.",
    "The project will publish its evaluation criteria for public comment.",
    "Universities are expected to play a central role in the next phase.",
    "Smaller firms hope the scheme will lower the cost of experimenting with AI.",
    "Privacy advocates asked for an independent audit of the system.",
    "The initiative builds on earlier work in smart transportation and healthcare.",
]
CHINESE_SENTENCES = [
    "香港政府表示，人工智能將在未來十年成為推動經濟增長的重要動力。",
    "業界人士認為，數據私隱與人才短缺仍然是最大的挑戰。",
    "多間初創企業在數碼港及科學園展示了最新的應用。",
    "金融機構正利用機器學習提升風險管理及客戶服務。",
    "學者呼籲在推動創新的同時，必須兼顧倫理與社會價值。",
    "大灣區的合作為本地研究團隊帶來更多機遇。",
]
HEADINGS = [
    "What changes", "Why it matters", "The numbers", "What critics say", "Next steps",
    "How it works", "Lessons from abroad", "The view from industry", "背景", "業界回應",
]
TITLE_TEMPLATES = [
    "{org} launches {topic} programme",
    "How {topic} is reshaping Hong Kong's {subject}",
    "{org} and {org2} partner on {topic}",
    "Inside the push for {topic} in Hong Kong",
    "Why {subject} firms are betting on {topic}",
    "{org} report warns of gaps in {topic}",
    "Regulators weigh new rules for {topic}",
    "A year of {topic}: what {org} learned",
    "{org} opens {subject} lab focused on {topic}",
    "{org}推出{topic_zh}計劃",
    "{topic_zh}：香港{subject_zh}的新機遇",
]


class Vocabulary:
    """Deterministic text from a seeded Random."""

    def __init__(self, rng):
        self.rng = rng

    def sentence(self):
        rng = self.rng
        if rng.random() < 0.08:
            return rng.choice(CHINESE_SENTENCES)
        text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        if rng.random() < 0.7:
            text += f" {rng.choice(CLAUSES)}"
        text += "."
        if rng.random() < 0.4:
            text += " " + rng.choice(COMMENTS)
        return text

    def paragraph(self, words):
        sentences = []
        count = 0
        while count < words:
            sentence = self.sentence()
            sentences.append(sentence)
            count += len(sentence.split())
        return " ".join(sentences), count

    def body(self):
        """Markdown of about 600-1200 words: paragraphs, a heading or two, sometimes a list
        or a quote, as editors write them."""
        rng = self.rng
        target = rng.randint(600, 1200)
        blocks, words = [], 0
        while words < target:
            roll = rng.random()
            if blocks and roll < 0.08:
                blocks.append(f"## {rng.choice(HEADINGS)}")
            elif blocks and roll < 0.13:
                items = rng.sample(OBJECTS, 3)
                blocks.append("\n".join(f"- {item[0].upper()}{item[1:]}" for item in items))
                words += sum(len(item.split()) for item in items)
            elif blocks and roll < 0.16:
                quote = rng.choice(COMMENTS)
                blocks.append(f"> {quote}")
                words += len(quote.split())
            else:
                text, count = self.paragraph(rng.randint(60, 150))
                if rng.random() < 0.2:
                    text = text.replace("AI", "**AI**", 1)
                blocks.append(text)
                words += count
        return "\n\n".join(blocks)


def unique_slug(name, used, max_length):
    """The tag model's slug rule (unicode slugify, "-N" on a clash), checked against `used`."""
    base = (unicode_slugify(name) or "tag")[: max_length - 6]
    slug, i = base, 1
    while slug in used:
        slug = f"{base}-{i}"
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
            "--body-pool", type=int, default=2000,
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
            self.create_articles(count, options["batch_size"], sections, organisations, topics,
                                 authors, bodies)
        self.refresh_planner_statistics()
        # bulk_create sends no signals: tell every app server's page cache in one go.
        self.invalidate_caches()
        self.stdout.write(self.style.SUCCESS(
            f"Added {count} articles in {time.monotonic() - started:.1f}s "
            f"({Article.objects.count()} articles in total)."
        ))

    # -- reference data ---------------------------------------------------------------------

    def ensure_sections(self):
        existing = {s.name.lower(): s for s in Section.objects.all()}
        used_slugs = set(Section.objects.values_list("slug", flat=True))
        for position, (name, description) in enumerate(LAUNCH_SECTIONS, start=1):
            if name.lower() not in existing:
                section = Section.objects.create(
                    name=name, slug=unique_slug(name, used_slugs, 100),
                    description=description, position=position,
                )
                existing[name.lower()] = section
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
        for name, kind in KNOWN_ORGANISATIONS:
            yield name, kind
        combos = [
            (f"{place} {field} {suffix}", kind)
            for kind, suffixes in KIND_SUFFIXES.items()
            for place in PLACES for field in FIELDS for suffix in suffixes
        ]
        combos += [
            (f"{place}{field}{suffix}", Organisation.Kind.RESEARCH if suffix != "科技公司"
             else Organisation.Kind.STARTUP)
            for place in PLACES_ZH for field in FIELDS_ZH for suffix in SUFFIXES_ZH
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
        chinese = list(TOPIC_SUBJECTS_ZH) + [
            f"{m}{s}" for m in TOPIC_MODIFIERS_ZH for s in TOPIC_SUBJECTS_ZH
        ]
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
        names = CHINESE_AUTHORS + [f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES]
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
            pool.append((body, render_markdown(body)))
        self.stdout.write(f"Rendered {size} distinct bodies in {time.monotonic() - started:.1f}s")
        return pool

    def title(self, org_name, org2_name, topic_name):
        rng = self.rng
        template = rng.choice(TITLE_TEMPLATES)
        return template.format(
            org=org_name, org2=org2_name, topic=topic_name,
            subject=rng.choice(TOPIC_SUBJECTS), topic_zh=rng.choice(TOPIC_SUBJECTS_ZH),
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

    def create_articles(self, count, batch_size, sections, organisation_ids, topic_ids,
                        author_ids, bodies):
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
                body, body_html = rng.choice(bodies)
                articles.append(Article(
                    title=title,
                    slug=slug,
                    standfirst=self.vocabulary.sentence(),
                    body=body,
                    body_html=body_html,
                    section=rng.choice(sections),
                    status=status,
                    published_at=published_at,
                    featured=rng.random() < FEATURED_SHARE,
                ))
                links.append((topics, organisations, authors))

            with transaction.atomic():
                Article.objects.bulk_create(articles, batch_size=500)
                topic_rows, organisation_rows, author_rows = [], [], []
                for article, (topics, organisations, authors) in zip(articles, links):
                    topic_rows += [ArticleTopic(content_object_id=article.pk, tag_id=t) for t in topics]
                    organisation_rows += [
                        ArticleOrganisation(content_object_id=article.pk, tag_id=o)
                        for o in organisations
                    ]
                    author_rows += [AuthorLink(article_id=article.pk, author_id=a) for a in authors]
                ArticleTopic.objects.bulk_create(topic_rows, batch_size=5000)
                ArticleOrganisation.objects.bulk_create(organisation_rows, batch_size=5000)
                AuthorLink.objects.bulk_create(author_rows, batch_size=5000)
                self.fill_derived_fields([article.pk for article in articles])
            done += size
            progress.update(done)
        progress.finish()

    def fill_derived_fields(self, article_ids):
        """HOOK for columns that Article.save() computes and bulk_create therefore skips
        (body_html is done above). The stored search document needs nothing here: a
        PostgreSQL trigger fills it on insert (migration 0006). A future column computed in
        Python can be filled by an ArticleQuerySet `update_search_vector()`-style method,
        called here per batch, inside the batch's transaction."""
        queryset = Article.objects.filter(pk__in=article_ids)
        if hasattr(queryset, "update_search_vector"):
            queryset.update_search_vector()

    def refresh_planner_statistics(self):
        """Without fresh statistics PostgreSQL plans the next queries for an empty table
        (bench/RESULTS.md: 34 estimated published rows instead of 93,000, and plans 5-30x
        slower) until autovacuum gets round to it. VACUUM also sets the visibility map,
        which index-only scans need; it cannot run inside a transaction, ANALYZE can."""
        tables = [m._meta.db_table for m in (
            Article, ArticleTopic, ArticleOrganisation, Article.authors.through, Topic, Organisation,
        )]
        command = "ANALYZE" if connection.in_atomic_block or connection.vendor != "postgresql" else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"{command} {', '.join(connection.ops.quote_name(t) for t in tables)}")
            else:
                cursor.execute("ANALYZE")

    def invalidate_caches(self):
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
