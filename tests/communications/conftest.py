import pytest


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def admin_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client
