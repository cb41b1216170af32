import pytest


@pytest.mark.django_db
def test_landing_page_describes_the_service(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"recruiters" in response.content
    assert b"/accounts/signup/" in response.content


def test_dashboard_needs_login(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dashboard_greets_the_seeker(seeker_client):
    response = seeker_client.get("/dashboard/")
    assert response.status_code == 200
    assert b"Hello, Sam" in response.content
