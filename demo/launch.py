"""The owner's launch content: sections, organisations, topics, authors and articles in
data/launch_content.json, the article bodies in the owner's text beside it. Read by
load_demo_content, and by generate_articles for its sections."""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CONTENT_FILE = DATA_DIR / "launch_content.json"


def read_content(path=CONTENT_FILE):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
