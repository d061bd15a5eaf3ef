"""Bad input gets a clear answer (404, 400, 405, 403, a form error), never a 500.

Hypothesis sends random and hostile paths, query strings (unicode, NUL, very long values,
SQL, HTML, odd page numbers) and form posts to every public route. Bounded so it runs in
seconds; a failure prints the smallest input that breaks a page.
"""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .page_checks import EXPLICIT_PUBLIC_PATHS, list_urls, object_urls

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "\ud7ff",
    "\U0001f600",
    "香港",
    "‮",
    "\r\n",
    "\t",
    "' OR 1=1 --",
    "'; DROP TABLE articles_article; --",
    '" OR ""="',
    "1; SELECT pg_sleep(0)",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "${7*7}",
    "../../etc/passwd",
    "..%2f..%2f",
    "%",
    "%%",
    "%zz",
    "\\",
    "/",
    "//",
    "?",
    "#",
    "&",
    "=",
    "0",
    "-1",
    "1.5",
    "1e9",
    "NaN",
    "inf",
    "last",
    "first",
    "99999999999999999999999",
    "9" * 400,
    "a" * 5000,
    "香" * 3000,
    "0x10",
    " 2 ",
    "２",  # a full-width digit
]
PARAMS = ["q", "page", "topic", "organisation", "section", "sort", "order", "author", "format", "p"]

text = st.text(max_size=300)
values = st.one_of(st.sampled_from(HOSTILE_VALUES), text, st.integers().map(str))


@pytest.fixture
def routes(db, make_article, organisation, topic, section, editor):
    """Every public route, from a small site with one of everything."""
    article = make_article(topics=[topic, "香港AI"], organisations=[organisation], authors=[editor.author])
    make_article(status="draft", topics=[topic])
    return sorted(
        set(list_urls() + object_urls(article, organisation, topic, section) + EXPLICIT_PUBLIC_PATHS)
    )


@pytest.fixture
def anonymous():
    """The test client skips CSRF checks, so its posts reach the views themselves."""
    return Client(raise_request_exception=False)


@pytest.fixture
def csrf_checked():
    """A client whose posts meet the CSRF check, as a real browser's or a bot's do."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{response.status_code} for {what!r}"


def test_every_route_is_fuzzed(routes):
    """The fuzzing below has something to aim at (so it can fail)."""
    assert len(routes) >= 10


@FUZZ
@given(data=st.data())
def test_random_query_strings_never_cause_a_500(routes, anonymous, data):
    route = data.draw(st.sampled_from(routes))
    params = data.draw(st.lists(st.tuples(st.sampled_from(PARAMS), values), min_size=1, max_size=4))
    url = f"{route}?{urlencode(params)}"
    assert_no_server_error(anonymous.get(url), url)


@FUZZ
@given(data=st.data())
def test_raw_query_strings_never_cause_a_500(routes, anonymous, data):
    """Query strings as a browser or a bot might send them: undecodable, unbalanced, huge."""
    route = data.draw(st.sampled_from(routes))
    raw = data.draw(
        st.one_of(
            st.sampled_from(
                [
                    "page",
                    "page=",
                    "=",
                    "&&&",
                    "q=%",
                    "q=%ff%fe",
                    "q=%00",
                    "page=%00",
                    "q[]=1&q[]=2",
                    "page=1&page=2",
                    "q=" + "%41" * 3000,
                    ";;",
                    "q=a;b",
                ]
            ),
            st.text(alphabet=st.characters(codec="ascii"), max_size=200).map(lambda s: quote(s, safe="=&%")),
        )
    )
    url = f"{route}?{raw}"
    assert_no_server_error(anonymous.get(url), url)


PATH_PREFIXES = [
    "/",
    "/articles/",
    "/topics/",
    "/organisations/",
    "/sections/",
    "/search/",
    "/feeds/",
    "/feeds/topics/",
    "/feeds/organisations/",
    "/authors/",
    "/static/",
    "/media/",
]


@FUZZ
@given(prefix=st.sampled_from(PATH_PREFIXES), segment=st.one_of(st.sampled_from(HOSTILE_VALUES), text))
def test_random_paths_never_cause_a_500(routes, anonymous, prefix, segment):
    path = prefix + quote(segment, safe="") + "/"
    assert_no_server_error(anonymous.get(path), path)


@FUZZ
@given(data=st.data())
def test_form_posts_never_cause_a_500(routes, anonymous, csrf_checked, data):
    """Posts to public pages: refused (CSRF 403 or 405), never a crash."""
    route = data.draw(st.sampled_from(routes))
    form = data.draw(
        st.dictionaries(st.sampled_from(PARAMS + ["csrfmiddlewaretoken", "body"]), values, max_size=5)
    )
    assert_no_server_error(csrf_checked.post(route, form), (route, form))
    assert_no_server_error(anonymous.post(route, form), (route, form))


@FUZZ
@given(username=values, password=values, next_url=values)
def test_admin_login_posts_never_cause_a_500(anonymous, db, username, password, next_url):
    response = anonymous.post(
        f"/admin/login/?{urlencode({'next': next_url})}",
        {"username": username, "password": password},
        REMOTE_ADDR="10.8.0.1",
    )
    assert_no_server_error(response, (username, password, next_url))


@pytest.mark.parametrize(
    "path",
    ["/%00/", "/topics/%00/", "/articles/a%00b/", "/search/?q=%00", "/search/?q=a&page=%00", "/?%00=1"],
)
def test_nul_characters_in_the_address_are_a_400(anonymous, db, path):
    """PostgreSQL cannot compare text containing NUL: hkai_site/middleware.py answers first."""
    assert anonymous.get(path).status_code == 400


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "[::1", "a" * 300, "ünïcode"])
def test_unknown_or_malformed_host_is_a_400(db, host):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST=host)
    assert response.status_code == 400
