"""/healthz is cheap liveness (process + database); /readyz adds broker and storage,
cached for a few seconds per process so a poller cannot load them."""

import pytest
from django.db.backends.utils import CursorWrapper

from jobletters import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_readiness(monkeypatch):
    monkeypatch.setattr(health, "_last", None)  # each test runs the checks afresh


def _refuse_sql(monkeypatch):
    def refuse(self, sql, params=None):
        raise ConnectionError("database went away")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)


@pytest.fixture
def probes(monkeypatch):
    """Counts the broker and storage probes actually made."""
    calls = {"broker": 0, "storage": 0}
    for name in calls:
        real = health.READINESS_CHECKS[name]

        def counting(real=real, name=name):
            calls[name] += 1
            real()

        monkeypatch.setitem(health.READINESS_CHECKS, name, counting)
    return calls


# --- /healthz: liveness --------------------------------------------------------------


def test_healthz_checks_only_the_process_and_database(client, probes):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert list(body["checks"]) == ["database"]
    assert body["checks"]["database"]["ok"] is True
    assert probes == {"broker": 0, "storage": 0}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_stays_up_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert client.get("/healthz").status_code == 200


def test_healthz_reports_a_broken_database(client, monkeypatch):
    _refuse_sql(monkeypatch)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"] == "ConnectionError"


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


# --- /readyz: readiness ----------------------------------------------------------------


def test_readyz_reports_every_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "storage": True,
    }
    assert body["age"] == 0.0
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_reports_a_broken_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_readyz_reports_a_broken_database(client, monkeypatch):
    _refuse_sql(monkeypatch)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": response.json()["checks"]["database"]["ms"],
    }


def test_readyz_reports_broken_storage(client, settings, moto_s3):
    settings.STORAGES["default"]["OPTIONS"]["endpoint_url"] = "http://127.0.0.1:1"
    settings.STORAGES = {**settings.STORAGES}  # signal storages to reload
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def test_readyz_on_s3_is_healthy(client, moto_s3):
    response = client.get("/readyz")
    assert response.json()["checks"]["storage"]["ok"] is True


def test_readyz_probes_at_most_once_per_cache_period(client, settings, probes):
    settings.HEALTH_READINESS_CACHE_SECONDS = 60
    for _ in range(5):
        assert client.get("/readyz").status_code == 200
    assert probes == {"broker": 1, "storage": 1}
    assert client.get("/readyz").json()["age"] >= 0


def test_readyz_keeps_a_failure_for_the_period_then_checks_again(client, settings, probes):
    settings.HEALTH_READINESS_CACHE_SECONDS = 60
    working_broker = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert client.get("/readyz").status_code == 503
    assert client.get("/readyz").status_code == 503
    assert probes["broker"] == 1
    settings.HEALTH_READINESS_CACHE_SECONDS = 0  # the period is over
    settings.CELERY_BROKER_URL = working_broker
    assert client.get("/readyz").status_code == 200
    assert probes["broker"] == 2


def test_readyz_only_answers_get(client):
    assert client.post("/readyz").status_code == 405
