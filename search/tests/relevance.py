"""The relevance set (issue 13): a fixed corpus, the launch content plus articles written for
it, and queries written for this site, each with the article it must find first and those it
must find at all. Used by test_relevance.py (both databases) and bench/search_relevance.py
(precision@5).

Queries cover English, Traditional and Simplified Chinese, Chinese mixed with English, one-
and two-character words, organisation names in full and short, and misspellings (these get
"Did you mean", whose correction must then find the article)."""

from dataclasses import dataclass, field
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Organisation, Section


@dataclass(frozen=True)
class Written:
    slug: str
    language: str
    title: str
    standfirst: str
    body: str
    section: str
    organisations: tuple = ()
    topics: tuple = ()


WRITTEN = [
    Written(
        "hkma-genai-sandbox",
        "en",
        "HKMA opens a generative AI sandbox for banks",
        "Banks and fintech firms may try generative models on real cases before they use them with customers.",
        "The Hong Kong Monetary Authority said ten banks will test chatbots and fraud detection in "
        "the sandbox this year. Each test is reviewed by the regulator before it reaches customers.",
        "financial-sector-transformation",
        ("HKMA",),
        ("fintech",),
    ),
    Written(
        "金管局生成式人工智能沙盒",
        "zh-hant",
        "金管局推出生成式人工智能沙盒",
        "銀行可先在沙盒內以真實個案測試生成式模型，再用於客戶服務。",
        "香港金融管理局（HKMA）表示，今年有十間銀行會在沙盒內測試聊天機械人和防詐騙系統，"
        "每項測試都由監管機構審視。",
        "financial-sector-transformation",
        ("HKMA",),
        ("fintech",),
    ),
    Written(
        "pcpd-privacy-guidance",
        "en",
        "Privacy commissioner issues guidance on employees' use of chatbots",
        "Employers should tell staff what they may type into generative AI tools.",
        "The Office of the Privacy Commissioner for Personal Data published a checklist: which "
        "personal data may never be entered, who approves a tool, and how long prompts are kept.",
        "challenges-and-ethical-considerations",
        ("PCPD",),
        ("privacy",),
    ),
    Written(
        "私隱專員公署發出人工智能指引",
        "zh-hant",
        "私隱專員公署就僱員使用聊天機械人發出指引",
        "僱主應告知員工哪些資料不可輸入生成式人工智能工具。",
        "個人資料私隱專員公署公布清單：哪些個人資料不可輸入 ChatGPT 一類工具、由誰批准使用、"
        "提示紀錄保存多久。",
        "challenges-and-ethical-considerations",
        ("PCPD",),
        ("privacy",),
    ),
    Written(
        "hku-cantonese-language-model",
        "en",
        "HKU researchers release a Cantonese large language model",
        "Trained on Hong Kong news, forums and subtitles, it answers in written Cantonese.",
        "The University of Hong Kong team says the model understands colloquial Cantonese far "
        "better than general models, and will share it with local universities for research.",
        "international-collaboration",
        ("HKU",),
        ("research collaboration",),
    ),
    Written(
        "港大發布粵語大型語言模型",
        "zh-hant",
        "港大研究團隊發布粵語大型語言模型",
        "以本地新聞、論壇和字幕訓練，能以書面粵語回答。",
        "香港大學團隊表示，模型理解口語粵語的能力遠勝一般模型，並會與本地大學分享作研究之用。",
        "international-collaboration",
        ("HKU",),
        ("research collaboration",),
    ),
    Written(
        "sfc-robo-advisers",
        "en",
        "Securities regulator warns investors about robo-advisers",
        "Automated advice must still be suitable for each client, the SFC says.",
        "The Securities and Futures Commission reminded licensed firms that algorithms do not "
        "remove their duty to know their clients, as fintech platforms multiply.",
        "financial-sector-transformation",
        ("SFC",),
        ("robo-advisors",),
    ),
    Written(
        "證監會提醒智能投資顧問風險",
        "zh-hant",
        "證監會提醒投資者留意智能投資顧問風險",
        "證監會表示，自動化建議仍須適合每位客戶。",
        "證券及期貨事務監察委員會提醒持牌機構，演算法並不免除認識客戶的責任，今年相關投訴有所增加。",
        "financial-sector-transformation",
        ("SFC",),
        ("robo-advisors",),
    ),
    Written(
        "autonomous-buses-airport",
        "en",
        "Autonomous buses begin carrying passengers at the airport",
        "Driverless shuttles link the terminals with the new business district.",
        "Two self-driving buses run every ten minutes on a fixed route, with a safety officer on "
        "board during the first year of the trial.",
        "government-initiatives",
        ("Airport Authority",),
        ("transportation", "smart city"),
    ),
    Written(
        "機場自動駕駛巴士",
        "zh-hant",
        "機場自動駕駛巴士開始接載乘客",
        "無人駕駛穿梭車連接客運大樓與新商業區。",
        "兩輛自動駕駛巴士每十分鐘一班，沿固定路線行駛，試驗首年車上有安全員。",
        "government-initiatives",
        ("Airport Authority",),
        ("transportation",),
    ),
    Written(
        "cyberport-ai-supercomputing-centre",
        "en",
        "Cyberport opens an AI supercomputing centre for start-ups",
        "Cyberport offers subsidised computing time to local companies training their own models.",
        "Cyberport's centre, in its first phase, offers graphics processors to start-ups at a fraction of the "
        "cloud price; universities may apply for research time too.",
        "startups-and-innovation-hubs",
        ("Cyberport",),
        ("startups",),
    ),
    Written(
        "數碼港人工智能超算中心啟用",
        "zh-hant",
        "數碼港人工智能超算中心啟用",
        "為訓練自家模型的本地企業提供資助運算時間。",
        "Cyberport 表示，中心首期以遠低於雲端的價格向初創企業提供圖像處理器，大學亦可申請研究用時。",
        "startups-and-innovation-hubs",
        ("Cyberport",),
        ("startups",),
    ),
    Written(
        "hospital-authority-ai-radiology",
        "en",
        "Hospital Authority uses AI to read chest X-rays",
        "Radiologists see urgent cases first, flagged by a model trained on local scans.",
        "The Hospital Authority says the radiology tool has cut waiting times for urgent reports "
        "in three public hospitals, and every finding is still checked by a doctor.",
        "government-initiatives",
        ("Hospital Authority",),
        ("healthcare",),
    ),
    Written(
        "醫管局以人工智能分析x光片",
        "zh-hant",
        "醫管局以人工智能分析胸部X光片",
        "放射科醫生優先處理由模型標示的緊急個案。",
        "醫院管理局表示，放射診斷工具縮短了三間公立醫院緊急報告的輪候時間，每項結果仍由醫生覆核。",
        "government-initiatives",
        ("Hospital Authority",),
        ("healthcare",),
    ),
    Written(
        "港鐵用ai預測維修",
        "zh-hant",
        "港鐵用AI預測路軌維修",
        "感應器數據讓工程人員在故障前更換零件。",
        "港鐵公司在東鐵綫試用人工智能分析列車震動數據，找出需要提早維修的路段。",
        "government-initiatives",
        ("MTR",),
        ("transportation",),
    ),
]


@dataclass(frozen=True)
class Query:
    q: str
    language: str
    # The slug the search must list first.
    first: str
    # Slugs it must find (besides `first`).
    also: tuple = ()
    # A misspelling: the "Did you mean" label it must get; `first` is then the corrected search's.
    did_you_mean: str = ""
    kind: str = field(default="", compare=False)


LAUNCH_RISE = "rise-of-ai-in-hong-kong"
LAUNCH_GOVERNMENT = "government-initiatives-astri-and-smart-city-香港ai"
LAUNCH_GOVERNMENT_ZH = "政府措施-應科院與智慧城市香港ai"
LAUNCH_STARTUPS = "ai-startups-and-innovation-hubs"
LAUNCH_STARTUPS_ZH = "數碼港與香港科學園-人工智能初創企業的搖籃"
LAUNCH_FINANCE = "ai-in-hong-kong-financial-sector"
LAUNCH_ETHICS_ZH = "香港人工智能-挑戰與倫理問題"
LAUNCH_INTERNATIONAL_ZH = "國際合作令香港成為人工智能樞紐"

QUERIES = [
    # English words
    Query("sandbox", "en", "hkma-genai-sandbox", kind="english"),
    Query("generative sandbox banks", "en", "hkma-genai-sandbox", kind="english"),
    Query("Cantonese language model", "en", "hku-cantonese-language-model", kind="english"),
    Query("privacy guidance", "en", "pcpd-privacy-guidance", kind="english"),
    Query("robo-advisers", "en", "sfc-robo-advisers", kind="english"),
    Query("autonomous buses", "en", "autonomous-buses-airport", kind="english"),
    Query("supercomputing", "en", "cyberport-ai-supercomputing-centre", kind="english"),
    Query("radiology", "en", "hospital-authority-ai-radiology", kind="english"),
    Query("chest x-rays", "en", "hospital-authority-ai-radiology", kind="english"),
    Query('"self-driving buses"', "en", "autonomous-buses-airport", kind="english"),
    # Organisation names, in full and short
    Query("HKMA", "en", "hkma-genai-sandbox", kind="organisation"),
    Query("Hong Kong Monetary Authority", "en", "hkma-genai-sandbox", kind="organisation"),
    Query("Securities and Futures Commission", "en", "sfc-robo-advisers", kind="organisation"),
    Query("Hospital Authority", "en", "hospital-authority-ai-radiology", kind="organisation"),
    Query("ASTRI", "en", LAUNCH_GOVERNMENT, kind="organisation"),
    Query("Science Park", "en", LAUNCH_STARTUPS, kind="organisation"),
    Query("金管局", "zh-hant", "金管局生成式人工智能沙盒", kind="organisation"),
    Query("香港金融管理局", "zh-hant", "金管局生成式人工智能沙盒", kind="organisation"),
    Query("私隱專員公署", "zh-hant", "私隱專員公署發出人工智能指引", kind="organisation"),
    Query("證監會", "zh-hant", "證監會提醒智能投資顧問風險", kind="organisation"),
    Query("醫管局", "zh-hant", "醫管局以人工智能分析x光片", kind="organisation"),
    Query("應科院", "zh-hant", LAUNCH_GOVERNMENT_ZH, kind="organisation"),
    Query("香港科學園", "zh-hant", LAUNCH_STARTUPS_ZH, kind="organisation"),
    # Traditional Chinese words (most are two characters)
    Query("沙盒", "zh-hant", "金管局生成式人工智能沙盒", kind="traditional"),
    Query("粵語", "zh-hant", "港大發布粵語大型語言模型", kind="traditional"),
    Query("自動駕駛", "zh-hant", "機場自動駕駛巴士", kind="traditional"),
    Query("數碼港 超算", "zh-hant", "數碼港人工智能超算中心啟用", kind="traditional"),
    Query("樞紐", "zh-hant", LAUNCH_INTERNATIONAL_ZH, kind="traditional"),
    Query("倫理", "zh-hant", LAUNCH_ETHICS_ZH, kind="traditional"),
    Query("港大", "zh-hant", "港大發布粵語大型語言模型", kind="traditional"),
    # One character
    Query("粵", "zh-hant", "港大發布粵語大型語言模型", kind="one character"),
    Query("盒", "zh-hant", "金管局生成式人工智能沙盒", kind="one character"),
    Query("軌", "zh-hant", "港鐵用ai預測維修", kind="one character"),
    # Simplified Chinese, finding Traditional text
    Query("数码港 超算", "zh-hant", "數碼港人工智能超算中心啟用", kind="simplified"),
    Query("私隐专员公署", "zh-hant", "私隱專員公署發出人工智能指引", kind="simplified"),
    Query("证监会", "zh-hant", "證監會提醒智能投資顧問風險", kind="simplified"),
    Query("自动驾驶", "zh-hant", "機場自動駕駛巴士", kind="simplified"),
    Query("粤语", "zh-hant", "港大發布粵語大型語言模型", kind="simplified"),
    Query("医管局", "zh-hant", "醫管局以人工智能分析x光片", kind="simplified"),
    Query("应科院", "zh-hant", LAUNCH_GOVERNMENT_ZH, kind="simplified"),
    Query("港铁", "zh-hant", "港鐵用ai預測維修", kind="simplified"),
    Query("伦理", "zh-hant", LAUNCH_ETHICS_ZH, kind="simplified"),
    # Chinese mixed with English
    Query("港鐵 AI", "zh-hant", "港鐵用ai預測維修", kind="mixed"),
    Query("港铁AI", "zh-hant", "港鐵用ai預測維修", kind="mixed"),
    Query("HKMA 沙盒", "zh-hant", "金管局生成式人工智能沙盒", kind="mixed"),
    Query("ChatGPT 私隱", "zh-hant", "私隱專員公署發出人工智能指引", kind="mixed"),
    Query("Cyberport 超算", "zh-hant", "數碼港人工智能超算中心啟用", kind="mixed"),
    Query("X光 醫管局", "zh-hant", "醫管局以人工智能分析x光片", kind="mixed"),
    # Misspellings: "Did you mean", then the corrected search
    Query(
        "fintec",
        "en",
        "hkma-genai-sandbox",
        also=("sfc-robo-advisers",),
        did_you_mean="fintech",
        kind="misspelt",
    ),
    Query("Cyberprot", "en", "cyberport-ai-supercomputing-centre", did_you_mean="Cyberport", kind="misspelt"),
    Query("ASTIR", "en", LAUNCH_GOVERNMENT, did_you_mean="ASTRI", kind="misspelt"),
]


def load_corpus():
    """The launch content (load_demo_content) and the written articles, published an hour
    apart, newest first in the order above; returns {slug: article}."""
    call_command("load_demo_content", stdout=StringIO())
    now = timezone.now()
    for n, written in enumerate(WRITTEN):
        article = Article.objects.create(
            slug=written.slug,
            language=written.language,
            title=written.title,
            standfirst=written.standfirst,
            body=written.body,
            section=Section.objects.get(slug=written.section),
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=n + 1),
        )
        for name in written.organisations:
            Organisation.objects.get_or_create(name=name)
        article.organisations.add(*written.organisations)
        article.topics.add(*written.topics)
    return {article.slug: article for article in Article.objects.all()}
