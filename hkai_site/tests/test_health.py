"""hkai_site/health.py: GET /healthz for load balancers."""

from unittest import mock

import pytest
from django.db import connection
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthy_whatever_the_host_header(client):
    # Load balancers probe each server by its address: not an allowed host.
    response = client.get("/healthz", headers={"host": "10.1.2.3:8000"})
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_unhealthy_when_the_database_does_not_answer(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_other_paths_still_check_the_host(client):
    assert client.get("/", headers={"host": "10.1.2.3:8000"}).status_code == 400
