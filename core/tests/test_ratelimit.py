import pytest
from django.core.cache import cache
from django.test import override_settings

from core.ratelimit import count_request
from pagecache.tests.helpers import BACKENDS, redis_unreachable


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_requests_over_the_limit_are_refused_until_the_window_ends(backend):
    if backend == "redis" and (reason := redis_unreachable()):
        pytest.skip(reason)
    with override_settings(CACHES={"default": BACKENDS[backend]}):
        cache.clear()
        answers = [count_request("client-a", 3, 60) for _ in range(4)]
        assert [allowed for allowed, _retry in answers] == [True, True, True, False]
        assert all(1 <= retry <= 60 for _allowed, retry in answers)
        assert count_request("client-b", 3, 60)[0]  # another name has its own budget
        cache.clear()
