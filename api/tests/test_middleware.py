import pytest
from django.core.cache import cache


@pytest.fixture
def limited(settings):
    settings.API_RATE_LIMIT = "3/60"
    cache.clear()


def test_over_the_rate_a_client_gets_429_with_retry_after(client, db, limited):
    for _ in range(3):
        assert client.get("/api/v1/sections/").status_code == 200
    refused = client.get("/api/v1/sections/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "try again" in refused.json()["detail"]
    assert "private" in refused["Cache-Control"]
    # Another address has its own budget; pages are not counted.
    assert client.get("/api/v1/sections/", REMOTE_ADDR="10.0.0.9").status_code == 200
    assert client.get("/").status_code == 200


def test_no_limit_when_turned_off(client, db, settings):
    settings.API_RATE_LIMIT = "0"
    for _ in range(10):
        assert client.get("/api/v1/sections/").status_code == 200
