import pytest
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "storage": True,
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_reports_a_broken_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_reports_a_broken_database(client, monkeypatch):
    def refuse(self, sql, params=None):
        raise ConnectionError("database went away")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": response.json()["checks"]["database"]["ms"],
    }


def test_healthz_reports_broken_storage(client, settings, moto_s3):
    settings.STORAGES["default"]["OPTIONS"]["endpoint_url"] = "http://127.0.0.1:1"
    settings.STORAGES = {**settings.STORAGES}  # signal storages to reload
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def test_healthz_on_s3_is_healthy(client, moto_s3):
    response = client.get("/healthz")
    assert response.json()["checks"]["storage"]["ok"] is True


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
