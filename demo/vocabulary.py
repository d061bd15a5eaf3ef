"""The words synthetic articles are made of (generate_articles): enough combinations for
thousands of distinct names, and deterministic text from a seeded Random. Nothing here is
real news."""

from articles.models import Organisation

PLACES = [
    "Kowloon",
    "Victoria",
    "Harbour",
    "Pearl River",
    "Lantau",
    "Tsim Sha Tsui",
    "Sha Tin",
    "Central",
    "Wan Chai",
    "Kwun Tong",
    "Tai Po",
    "Sai Kung",
    "Tsuen Wan",
    "Aberdeen",
    "Causeway Bay",
    "Mong Kok",
    "Quarry Bay",
    "Sheung Wan",
    "Tseung Kwan O",
    "Lion Rock",
    "Peak",
    "Junk Bay",
    "Stonecutters",
    "Cheung Chau",
    "Lamma",
    "Tung Chung",
    "Yuen Long",
    "Tin Shui Wai",
    "Fanling",
    "Ma On Shan",
]
FIELDS = [
    "AI",
    "Robotics",
    "Analytics",
    "Quantum",
    "Vision",
    "Data",
    "Fintech",
    "Neural",
    "Cognitive",
    "Language",
    "Health AI",
    "Mobility",
    "Logistics",
    "Insurtech",
    "Regtech",
    "Edge Computing",
    "Cloud",
    "Semiconductor",
    "Smart City",
    "Biotech",
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
PLACES_ZH = [
    "九龍",
    "維港",
    "珠江",
    "大嶼山",
    "沙田",
    "中環",
    "灣仔",
    "觀塘",
    "大埔",
    "西貢",
    "荃灣",
    "將軍澳",
]
FIELDS_ZH = ["人工智能", "機械人", "數據", "量子", "視覺", "金融科技", "語言", "醫療科技", "智慧城市", "物流"]
SUFFIXES_ZH = ["研究所", "實驗室", "科技公司", "創新中心", "協會"]

TOPIC_MODIFIERS = [
    "generative",
    "responsible",
    "explainable",
    "federated",
    "edge",
    "multimodal",
    "open-source",
    "trustworthy",
    "low-code",
    "real-time",
    "privacy-preserving",
    "autonomous",
    "cross-border",
    "green",
    "quantum",
    "applied",
    "conversational",
    "predictive",
    "secure",
    "small-language",
    "on-device",
    "synthetic",
    "human-centred",
    "agentic",
    "embedded",
    "distributed",
    "ethical",
    "regulated",
    "scalable",
    "inclusive",
    "bilingual",
    "Cantonese",
    "cloud-native",
    "hybrid",
    "sovereign",
    "industrial",
    "consumer",
    "enterprise",
    "public-sector",
    "frontier",
]
TOPIC_SUBJECTS = [
    "AI",
    "machine learning",
    "computer vision",
    "language models",
    "robotics",
    "data governance",
    "fintech",
    "regtech",
    "insurtech",
    "healthcare",
    "smart city",
    "logistics",
    "education",
    "retail",
    "cybersecurity",
    "chips",
    "cloud computing",
    "talent",
    "ethics",
    "regulation",
    "startups",
    "venture capital",
    "payments",
    "mobility",
    "biotech",
    "property",
    "tourism",
    "legal tech",
    "manufacturing",
    "climate",
    "wealth management",
    "trade finance",
    "banking",
    "insurance",
    "elderly care",
    "transport",
    "energy",
    "agriculture",
    "media",
    "gaming",
    "translation",
    "speech recognition",
    "recommendation systems",
    "fraud detection",
    "credit scoring",
    "supply chains",
    "drones",
    "sensors",
    "data centres",
    "open data",
    "digital identity",
    "e-government",
    "public health",
    "medical imaging",
    "drug discovery",
    "research funding",
    "university spin-offs",
    "accelerators",
    "standards",
    "benchmarks",
]
TOPIC_ASPECTS = [
    "policy",
    "funding",
    "research",
    "adoption",
    "regulation",
    "skills",
    "partnerships",
    "investment",
    "standards",
    "pilots",
    "risks",
    "governance",
    "procurement",
    "infrastructure",
]
TOPIC_MODIFIERS_ZH = [
    "生成式",
    "負責任的",
    "可解釋",
    "聯邦",
    "邊緣",
    "多模態",
    "開源",
    "可信",
    "實時",
    "跨境",
    "綠色",
    "應用",
    "對話式",
    "預測性",
    "安全",
    "雙語",
    "粵語",
    "企業",
    "公營",
    "前沿",
]
TOPIC_SUBJECTS_ZH = [
    "人工智能",
    "機器學習",
    "電腦視覺",
    "語言模型",
    "機械人",
    "數據治理",
    "金融科技",
    "監管科技",
    "保險科技",
    "醫療",
    "智慧城市",
    "物流",
    "教育",
    "零售",
    "網絡安全",
    "晶片",
    "雲端運算",
    "人才",
    "倫理",
    "規管",
    "初創企業",
    "創業投資",
    "支付",
    "交通",
    "生物科技",
    "旅遊",
    "製造業",
    "氣候",
    "財富管理",
    "銀行",
]

FIRST_NAMES = [
    "Emily",
    "Jason",
    "Karen",
    "Michael",
    "Grace",
    "Kelvin",
    "Winnie",
    "Raymond",
    "Joyce",
    "Alan",
    "Cecilia",
    "Dennis",
    "Fiona",
    "Gordon",
    "Helen",
    "Ivan",
    "Janice",
    "Kenneth",
]
LAST_NAMES = ["Chan", "Wong", "Lau", "Cheung", "Leung", "Ng", "Ho", "Lee", "Tam", "Yip", "Chow", "Lam"]
CHINESE_AUTHORS = ["陳大文", "李嘉欣", "黃志明", "張美玲", "劉家輝", "何詠詩"]

SUBJECTS = [
    "The government",
    "A new consortium",
    "Local startups",
    "Researchers at a university lab",
    "Several banks",
    "The regulator",
    "An innovation hub",
    "Investors",
    "Hospital teams",
    "Policy makers",
    "Engineers in Kowloon",
    "A cross-border task force",
    "Insurers",
    "Data scientists",
    "Educators",
    "Logistics firms",
    "City planners",
    "Founders",
]
VERBS = [
    "announced",
    "expanded",
    "piloted",
    "tested",
    "funded",
    "questioned",
    "launched",
    "reviewed",
    "deployed",
    "published",
    "proposed",
    "scaled up",
    "paused",
    "evaluated",
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
    "What changes",
    "Why it matters",
    "The numbers",
    "What critics say",
    "Next steps",
    "How it works",
    "Lessons from abroad",
    "The view from industry",
    "背景",
    "業界回應",
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
