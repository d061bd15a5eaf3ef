"""demo/launch.py: the launch content's data file names only what it declares."""

import json

from articles.models import Organisation
from demo.launch import CONTENT_FILE


class TestSourceParsing:
    def test_data_file_names_only_known_sections_organisations_and_topics(self):
        content = json.loads(CONTENT_FILE.read_text(encoding="utf-8"))
        sections = {s["slug"] for s in content["sections"]}
        organisations = {o["name"] for o in content["organisations"]}
        topics = {t["name"] for t in content["topics"]}
        kinds = set(Organisation.Kind.values)
        assert all(o["kind"] in kinds for o in content["organisations"])
        for article in content["articles"]:
            assert article["section"] in sections
            assert set(article["organisations"]) <= organisations
            assert set(article["topics"]) <= topics
