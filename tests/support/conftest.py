import pytest


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"
    # People take seconds to write; tests do not wait (one test keeps the real minimum).
    settings.SUPPORT_FORM_MIN_SECONDS = 0


@pytest.fixture
def admin_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client
