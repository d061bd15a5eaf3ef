"""Production settings, security headers, the Content Security Policy, login throttling, the
admin's address and upload limits. SECURITY.md says what each test defends."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from hkai_site.login_throttling import attempted_username, client_ip

from .page_checks import active_content_problems, list_urls, object_urls, response_text

BASE_DIR = Path(settings.BASE_DIR)
STRONG_SECRET = "x7Kq!" + "9fL2#vR8@pZ4$wT6%yB1^nM3&cD5*hJ0(gS" * 2
PASSWORD = "correct horse battery staple"

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def production_env(**overrides):
    """The environment of a production process: DEBUG off, a strong secret, none of our
    DJANGO_* switches inherited from the developer's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="hkai_site.settings", DJANGO_SECRET_KEY=STRONG_SECRET)
    env.update(overrides)
    return env


def settings_in_subprocess(names, **env):
    """The values of `names` as a fresh process configured by `env` sees them."""
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        f"print(json.dumps({{n: str(getattr(settings, n)) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def parse_csp(header):
    policy = {}
    for directive in header.split(";"):
        name, _, value = directive.strip().partition(" ")
        if name:
            policy[name] = value.strip()
    return policy


class TestProductionSettings:
    def test_check_deploy_is_clean_with_debug_off(self):
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=BASE_DIR,
            env=production_env(DJANGO_DEBUG="0"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout + result.stderr

    def test_check_deploy_notices_a_weakened_production(self):
        """The clean result above means something: turning protections off is reported."""
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=BASE_DIR,
            env=production_env(DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0
        output = result.stdout + result.stderr
        assert "security.W008" in output and "security.W012" in output

    def test_production_defaults(self):
        values = settings_in_subprocess(
            [
                "SECURE_SSL_REDIRECT",
                "SECURE_HSTS_SECONDS",
                "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                "SECURE_HSTS_PRELOAD",
                "SESSION_COOKIE_SECURE",
                "CSRF_COOKIE_SECURE",
                "SECURE_PROXY_SSL_HEADER",
                "X_FRAME_OPTIONS",
                "ADMIN_URL",
                "AXES_FAILURE_LIMIT",
                "AXES_COOLOFF_TIME",
                "TRUSTED_PROXY_COUNT",
                "MAX_IMAGE_MB",
            ],
        )
        assert values == {
            "SECURE_SSL_REDIRECT": "True",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
            "SECURE_HSTS_PRELOAD": "True",
            "SESSION_COOKIE_SECURE": "True",
            "CSRF_COOKIE_SECURE": "True",
            "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
            "X_FRAME_OPTIONS": "DENY",
            "ADMIN_URL": "admin/",
            "AXES_FAILURE_LIMIT": "5",
            "AXES_COOLOFF_TIME": "0:15:00",
            "TRUSTED_PROXY_COUNT": "0",
            "MAX_IMAGE_MB": "5",
        }

    def test_environment_switches(self):
        values = settings_in_subprocess(
            [
                "SECURE_SSL_REDIRECT",
                "SECURE_HSTS_SECONDS",
                "SESSION_COOKIE_SECURE",
                "ADMIN_URL",
                "AXES_FAILURE_LIMIT",
                "AXES_COOLOFF_TIME",
                "TRUSTED_PROXY_COUNT",
                "MAX_IMAGE_MB",
            ],
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_SECURE_HSTS_SECONDS="3600",
            DJANGO_SECURE_COOKIES="0",
            DJANGO_ADMIN_URL=" /back-office",
            DJANGO_LOGIN_FAILURE_LIMIT="3",
            DJANGO_LOGIN_COOLOFF_MINUTES="2",
            DJANGO_TRUSTED_PROXY_COUNT="1",
            DJANGO_MAX_IMAGE_MB="2",
        )
        assert values == {
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "3600",
            "SESSION_COOKIE_SECURE": "False",
            "ADMIN_URL": "back-office/",
            "AXES_FAILURE_LIMIT": "3",
            "AXES_COOLOFF_TIME": "0:02:00",
            "TRUSTED_PROXY_COUNT": "1",
            "MAX_IMAGE_MB": "2",
        }

    def test_debug_stays_comfortable_for_development(self):
        values = settings_in_subprocess(
            ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE"],
            DJANGO_DEBUG="1",
            DJANGO_SECRET_KEY="",
        )
        assert values == {
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "False",
        }


@pytest.mark.django_db
class TestHTTPS:
    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_plain_http_is_redirected_to_https(self, client):
        response = client.get("/some/page/?q=1")
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/some/page/?q=1"

    @override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000)
    def test_https_from_the_proxy_is_served_with_hsts(self, client):
        response = client.get(reverse("reader:home"), headers={"X-Forwarded-Proto": "https"})
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"

    def test_security_headers(self, client):
        response = client.get(reverse("reader:home"))
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    @pytest.mark.parametrize("ssl_redirect", [False, True])
    @pytest.mark.parametrize(
        "path, headers, status",
        [
            ("/articles/%00/", {}, 400),  # NUL in the address
            ("/search/?q=a%00b", {}, 400),
            ("/", {"HTTP_HOST": "evil.example"}, 400),  # a Host not in ALLOWED_HOSTS
            ("/", {"HTTP_HOST": "bad host!"}, 400),
            ("/no/such/page/", {}, 404),
            ("/healthz", {}, 200),
            ("/healthz", {"HTTP_HOST": "10.0.0.7:8000"}, 200),  # the load balancer's probe
        ],
    )
    def test_every_response_carries_the_security_headers(self, client, path, headers, status, ssl_redirect):
        """Error responses too, wherever in the middleware they are made: a 400 for a bad Host
        is made before any view, by whichever middleware first reads the host."""
        headers = dict(headers)
        if "HTTP_HOST" not in headers or path.startswith("/healthz"):
            # Over HTTPS, or the redirect would answer first. A bad Host over plain HTTP
            # is refused by the redirect itself, as it reads the host.
            headers["HTTP_X_FORWARDED_PROTO"] = "https"
        with override_settings(SECURE_SSL_REDIRECT=ssl_redirect):
            response = client.get(path, **headers)
        assert response.status_code == status
        assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    def test_session_and_csrf_cookies_are_secure_and_session_cookie_is_httponly(self, client, editor):
        response = client.get(reverse("admin:login"))
        assert response.cookies["csrftoken"]["secure"] is True
        response = client.post(
            reverse("admin:login"),
            {"username": "editor", "password": PASSWORD},
            REMOTE_ADDR="10.1.0.1",
        )
        assert response.status_code == 302
        session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert session_cookie["secure"] is True and session_cookie["httponly"] is True


def admin_urls_for(user):
    """Every admin page the user can open: index, and changelist + add + change of each model."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        if model_admin.has_view_permission(_request_for(user)):
            urls.append(reverse("admin:{}_{}_changelist".format(*info)))
            first = model._default_manager.first()
            if first is not None:
                urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        if model_admin.has_add_permission(_request_for(user)):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


def _request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.django_db
class TestContentSecurityPolicy:
    def test_policy_is_exactly_the_strict_one(self, client):
        response = client.get(reverse("reader:home"))
        assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP

    def test_every_public_page_sends_the_policy(self, client, make_article, organisation, topic, section):
        article = make_article(topics=[topic], organisations=[organisation])
        urls = list_urls() + object_urls(article, organisation, topic, section)
        assert len(urls) >= 8
        for url in urls + ["/no-such-page/"]:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP, url

    def test_every_admin_page_sends_the_policy_and_runs_no_inline_code(
        self, client, admin_user, make_article, organisation, topic, editor
    ):
        """The admin works under the strict policy: Django 5.2's admin loads its scripts from
        files, and its only inline <script> blocks are JSON data (checked to parse as JSON)."""
        make_article(topics=[topic], organisations=[organisation], authors=[editor.author])
        client.force_login(admin_user)
        urls = admin_urls_for(admin_user)
        assert len(urls) >= 6
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP, url
            # Django's change list adds a <style> block when a model has no actions: cosmetic
            # (a column width), blocked by the policy, harmless.
            assert active_content_problems(response_text(response), allow_style_elements=True) == [], url

    def test_admin_login_page_sends_the_policy(self, client):
        response = client.get(reverse("admin:login"))
        assert response.status_code == 200
        assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP

    def test_templates_have_no_inline_script_handlers_or_styles(self):
        """What the policy would block must not be written in the first place."""
        inline_script = re.compile(
            r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I
        )
        handler = re.compile(r"\son\w+\s*=", re.I)
        offences = []
        folders = [BASE_DIR / "templates", *(BASE_DIR / app / "templates" for app in settings.PROJECT_APPS)]
        templates = sorted(path for folder in folders for path in folder.rglob("*.html"))
        assert templates
        for path in templates:
            text = path.read_text(encoding="utf-8")
            for pattern, what in (
                (inline_script, "inline <script>"),
                (handler, "on* handler"),
                (re.compile(r"style=\"", re.I), "style attribute"),
                (re.compile(r"<style", re.I), "<style>"),
                (re.compile(r"javascript:", re.I), "javascript: URL"),
            ):
                if pattern.search(text):
                    offences.append(f"{path.relative_to(BASE_DIR)}: {what}")
        assert offences == []

    def test_scanner_finds_what_it_looks_for(self):
        """The page checker used above and in test_sanitize.py catches each kind of problem."""
        hostile = [
            "<script>alert(1)</script>",
            "<p onclick='x()'>",
            "<p style='color:red'>",
            "<a href=' jav&#x09;ascript:alert(1)'>",
            "<img src='data:image/png;base64,AA'>",
            "<iframe src='/'></iframe>",
            "<object data='/x'></object>",
            "<svg><set attributeName='href'></svg>",
            '<script type="application/ld+json">{"a": 1}</script><script>alert(1)</script>',
            '<script type="application/ld+json">{"a": "</script>',
            "<script src='https://cdn.example/x.js'></script>",
            "<style>p{}</style>",
        ]
        for html in hostile:
            assert active_content_problems(html), html
        assert (
            active_content_problems(
                '<script type="application/ld+json">{"a": "\\u003c/script>"}</script>'
                "<script src='/static/x.js'></script><a href='/x'>x</a>"
            )
            == []
        )


@pytest.mark.django_db
class TestAdminAddress:
    def test_admin_url_is_configurable(self, settings, client):
        """hkai_site/urls.py mounts the admin at settings.ADMIN_URL (DJANGO_ADMIN_URL)."""
        import importlib

        from django.urls import clear_url_caches

        import hkai_site.urls

        settings.ADMIN_URL = "back-office-7f3a/"
        try:
            importlib.reload(hkai_site.urls)
            clear_url_caches()
            assert reverse("admin:index") == "/back-office-7f3a/"
            assert client.get("/back-office-7f3a/login/").status_code == 200
            assert client.get("/admin/login/").status_code == 404
        finally:
            settings.ADMIN_URL = "admin/"
            importlib.reload(hkai_site.urls)
            clear_url_caches()
        assert reverse("admin:index") == "/admin/"


def login(client, username, password, ip, **headers):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


@pytest.mark.django_db
class TestLoginThrottling:
    """django-axes: 5 failures for a username, or from an address, lock it out for 15 minutes."""

    def fail(self, client, times, username="editor", ip="10.0.0.1", **headers):
        """Fail `times` logins; the one that reaches the limit is answered with the lockout."""
        for _ in range(times):
            response = login(client, username, "wrong password", ip, **headers)
            if response.status_code != 429:
                assert response.status_code == 200  # the login form again, with its error
                assert "Please enter the correct username and password" in response_text(response)
        return response

    def assert_locked_out(self, response):
        assert response.status_code == 429
        text = response_text(response)
        assert "Too many failed logins" in text and "15 minutes" in text
        assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
        # The newsroom's own name (the admin site's title and header), not Django's.
        assert f"<title>Too many failed logins | {admin.site.site_title}</title>" in text
        assert f">{admin.site.site_header}</a>" in text
        assert "Django" not in text

    def test_a_few_failures_do_not_lock_out(self, client, editor):
        assert self.fail(client, settings.AXES_FAILURE_LIMIT - 1).status_code == 200
        response = login(client, "editor", PASSWORD, "10.0.0.1")
        assert response.status_code == 302

    def test_repeated_failures_lock_the_username_out_even_with_the_right_password(self, client, editor):
        self.assert_locked_out(self.fail(client, settings.AXES_FAILURE_LIMIT))
        self.assert_locked_out(login(client, "editor", PASSWORD, "10.0.0.1"))
        # Another address does not help: the username itself is locked.
        self.assert_locked_out(login(client, "editor", PASSWORD, "10.9.9.9"))
        assert "_auth_user_id" not in client.session

    def test_failures_spread_over_addresses_still_lock_the_username(self, client, editor):
        for n in range(settings.AXES_FAILURE_LIMIT):
            self.fail(client, 1, ip=f"10.0.1.{n + 1}")
        self.assert_locked_out(login(client, "editor", PASSWORD, "10.0.2.1"))

    def test_repeated_failures_from_one_address_lock_that_address_out(self, client, editor, writer):
        for n in range(settings.AXES_FAILURE_LIMIT):
            self.fail(client, 1, username=f"guess{n}", ip="10.0.3.1")
        self.assert_locked_out(login(client, "writer", PASSWORD, "10.0.3.1"))
        # Other addresses and the guessed-at accounts' owners are not affected.
        assert login(client, "writer", PASSWORD, "10.0.3.2").status_code == 302

    def test_lockout_ends_after_the_cool_off(self, client, editor):
        self.fail(client, settings.AXES_FAILURE_LIMIT)
        self.assert_locked_out(login(client, "editor", PASSWORD, "10.0.0.1"))
        AccessAttempt.objects.update(
            attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
        )
        assert login(client, "editor", PASSWORD, "10.0.0.1").status_code == 302

    def test_forwarded_for_is_ignored_without_trusted_proxies(self, client, editor):
        """Without DJANGO_TRUSTED_PROXY_COUNT a client cannot dodge the address lock by
        sending a fresh X-Forwarded-For each time."""
        for n in range(settings.AXES_FAILURE_LIMIT):
            self.fail(client, 1, username=f"guess{n}", ip="10.0.4.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        self.assert_locked_out(
            login(client, "editor", PASSWORD, "10.0.4.1", HTTP_X_FORWARDED_FOR="203.0.113.99")
        )

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_one_proxy_the_forwarded_address_is_locked_not_the_proxy(self, client, editor):
        proxy = "10.0.5.1"
        for n in range(settings.AXES_FAILURE_LIMIT):
            # The attacker forges a prefix; the proxy appends the address it really saw.
            self.fail(
                client, 1, username=f"guess{n}", ip=proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7"
            )
        self.assert_locked_out(login(client, "editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"))
        # Another reader behind the same proxy can still log in.
        assert login(client, "editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302


class TestClientAddress:
    def request(self, xff=None, remote="10.0.0.1"):
        meta = {"REMOTE_ADDR": remote}
        if xff is not None:
            meta["HTTP_X_FORWARDED_FOR"] = xff
        return RequestFactory().get("/", **meta)

    def test_without_trusted_proxies_remote_addr_is_used(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(self.request("203.0.113.9")) == "10.0.0.1"

    @pytest.mark.parametrize(
        "proxies, xff, expected",
        [
            (1, "203.0.113.9", "203.0.113.9"),
            (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # forged prefix ignored
            (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
            (2, "203.0.113.9", "10.0.0.1"),  # too short: did not come through our proxies
            (1, "not-an-address", "10.0.0.1"),
            (1, None, "10.0.0.1"),
            (1, "2001:db8::1", "2001:db8::1"),
        ],
    )
    def test_behind_trusted_proxies_the_nth_address_from_the_right(self, settings, proxies, xff, expected):
        settings.TRUSTED_PROXY_COUNT = proxies
        assert client_ip(self.request(xff)) == expected


def test_upload_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.MAX_IMAGE_MB == 5


# --- Uploads ---------------------------------------------------------------------------------


def image_bytes(fmt="PNG", size=(4, 3), mode="RGB"):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new(mode, size).save(buffer, format=fmt)
    return buffer.getvalue()


def oversized_png():
    """A valid PNG just over the limit: trailing bytes after IEND are ignored by decoders."""
    data = image_bytes()
    return data + b"\0" * (settings.MAX_IMAGE_MB * 1024 * 1024 + 1 - len(data))


HOSTILE_UPLOADS = {
    "not an image": ("notes.png", b"This is text pretending to be a PNG.\n" * 10, "Upload a valid image"),
    "svg with script": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
        "SVG images are not accepted",  # Pillow cannot read SVG; nor may it ever be served as an image
    ),
    "svg renamed png": (
        "logo.png",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(2)</script></svg>',
        "SVG images are not accepted",
    ),
    "html disguised as jpeg": (
        "photo.jpg",
        b"<html><script>alert(1)</script></html>",
        "Upload a valid image",
    ),
    "too large": ("big.png", None, "the largest allowed is 5.0\u00a0MB"),
    "not a web format": ("scan.bmp", image_bytes("BMP"), "Use a JPEG, PNG, GIF or WebP image"),
    "decompression bomb": ("bomb.png", image_bytes("PNG", (8000, 6000), "1"), "million pixels"),
}


def image_form_class():
    from images.forms import ImageForm

    return ImageForm


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if content is None:
        content = oversized_png()
    return SimpleUploadedFile(name, content)


@pytest.mark.django_db
class TestImageUpload:
    """Every picture enters through the image library's form (images/forms.py)."""

    def data(self):
        return {"alt_text": "A hero", "caption": "", "credit": "", "focal_x": 50, "focal_y": 50}

    def test_a_valid_image_is_accepted(self):
        form = image_form_class()(self.data(), {"file": upload("hero.png", image_bytes())})
        assert form.is_valid(), form.errors
        form.save()
        assert form.instance.file.name.startswith("images/")

    @pytest.mark.parametrize("kind", HOSTILE_UPLOADS)
    def test_a_bad_upload_is_refused_with_a_form_error(self, kind):
        name, content, message = HOSTILE_UPLOADS[kind]
        form = image_form_class()(self.data(), {"file": upload(name, content)})
        assert not form.is_valid()
        assert list(form.errors) == ["file"]
        assert message in " ".join(form.errors["file"])

    def test_an_image_just_under_the_limit_is_accepted(self, settings):
        settings.MAX_IMAGE_MB = 1
        data = image_bytes()
        data += b"\0" * (1024 * 1024 - len(data))
        form = image_form_class()(self.data(), {"file": upload("hero.png", data)})
        assert form.is_valid(), form.errors

    def test_stored_images_are_not_revalidated(self, settings):
        """Editing an image's text does not re-read its stored file (which may even be gone)."""
        form = image_form_class()(self.data(), {"file": upload("hero.png", image_bytes())})
        image = form.save()
        image.file.storage.delete(image.file.name)
        settings.MAX_IMAGE_MB = 0
        image.full_clean()


class FormFields(HTMLParser):
    """The values a browser would submit for the form on an admin add page."""

    def __init__(self):
        super().__init__()
        self.values, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit", "button", "image", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[name] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@pytest.mark.django_db
class TestImageUploadInTheAdmin:
    def post_image(self, client, image):
        url = reverse("admin:images_image_add")
        page = client.get(url)
        assert page.status_code == 200
        fields = FormFields()
        fields.feed(response_text(page))
        data = {k: v for k, v in fields.values.items() if k not in ("_addanother", "_continue", "_save")}
        data.update(file=image, alt_text="Admin hero", caption="", credit="", _save="Save")
        return client.post(url, data)

    def test_a_valid_image_is_saved(self, client, editor):
        from images.models import Image

        client.force_login(editor)
        response = self.post_image(client, upload("hero.png", image_bytes()))
        assert response.status_code == 302, response_text(response)[:3000]
        assert Image.objects.get(alt_text="Admin hero").file

    @pytest.mark.parametrize("kind", ["not an image", "svg with script", "too large", "decompression bomb"])
    def test_a_bad_upload_is_refused_with_a_form_error(self, client, editor, kind):
        from images.models import Image

        client.force_login(editor)
        name, content, message = HOSTILE_UPLOADS[kind]
        response = self.post_image(client, upload(name, content))
        assert response.status_code == 200
        assert message in response_text(response)
        assert not Image.objects.exists()


class TestAttemptedUsername:
    def test_is_cut_to_what_axes_can_store(self):
        request = RequestFactory().post("/", {"username": "u" * 1000})
        assert attempted_username(request) == "u" * 255
        assert attempted_username(request, {"username": "editor"}) == "editor"
        assert attempted_username(RequestFactory().post("/", {})) is None

    @pytest.mark.django_db
    def test_a_very_long_username_is_an_ordinary_failed_login(self, client):
        """axes' 255-character column made PostgreSQL fail with a 500 before this."""
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = login(client, "9" * 400, "x", "10.0.6.1")
            assert response.status_code == 200
        assert login(client, "9" * 400, "x", "10.0.6.1").status_code == 429


# --- The admin really works under the policy (a browser runs its scripts) -------------------


@pytest.fixture
def chromium():
    import shutil

    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("chromium and chromedriver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def csp_violations(driver):
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


@pytest.mark.browser
def test_admin_scripts_run_under_the_policy(chromium, live_server, admin_user, django_user_model):
    """Log in through the form, open a change form whose widgets are built by the admin's
    JavaScript, and find no policy violation in the console."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    other = django_user_model.objects.create_user("someone", password="pw")
    chromium.get(live_server.url + reverse("admin:login"))
    chromium.find_element(By.NAME, "username").send_keys(admin_user.username)
    chromium.find_element(By.NAME, "password").send_keys("password")
    chromium.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    WebDriverWait(chromium, 10).until(lambda d: "/login/" not in d.current_url)

    chromium.get(live_server.url + reverse("admin:auth_user_change", args=[other.pk]))
    # SelectFilter2.js replaces the plain <select multiple> with the two-box chooser.
    WebDriverWait(chromium, 10).until(lambda d: d.find_elements(By.ID, "id_groups_from"))
    chromium.get(live_server.url + reverse("reader:home"))
    assert csp_violations(chromium) == []


@pytest.mark.browser
def test_the_browser_enforces_the_policy(chromium, live_server, settings):
    """The check above can fail: an inline script on a page is refused and reported."""
    from django.http import HttpResponse

    from hkai_site import urls

    def inline(request):
        return HttpResponse("<!doctype html><script>document.title='ran'</script><p>x</p>")

    from django.urls import clear_url_caches, path

    urls.urlpatterns.append(path("csp-probe/", inline))
    clear_url_caches()
    try:
        chromium.get(live_server.url + "/csp-probe/")
        assert chromium.title != "ran"
        assert csp_violations(chromium)
    finally:
        urls.urlpatterns.pop()
        clear_url_caches()


@pytest.mark.django_db
def test_test_client_logins_still_work_with_axes_on(client, editor):
    """Other tests log in with client.login() or force_login(); axes must not break either."""
    assert client.login(username="editor", password="wrong") is False
    assert client.login(username="editor", password=PASSWORD) is True
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 200
