"""Content that is not the newsroom's own: the owner's launch content (`load_demo_content`,
from data/) and synthetic articles for load tests (`generate_articles`, words from
vocabulary.py)."""
