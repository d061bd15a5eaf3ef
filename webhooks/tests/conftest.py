import pytest
from django_tasks import default_task_backend

from webhooks.models import Endpoint, Event

from .receiver import Receiver


@pytest.fixture
def queue(settings):
    """Tasks are kept, not run: tests run them (`.call`) as the worker would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def endpoint(db, receiver):
    return Endpoint.objects.create(name="Partner", url=receiver.url, events=list(Event.values))
