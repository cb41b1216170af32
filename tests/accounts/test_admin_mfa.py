"""Staff reach the admin only through allauth's login and with two-factor turned on."""

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_admin_visit_goes_to_the_site_login(client):
    response = client.get("/admin/", follow=True)
    final_url, _ = response.redirect_chain[-1]
    assert final_url.startswith("/accounts/login/")
    assert response.status_code == 200


def test_admin_login_page_redirects_to_the_rate_limited_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_without_mfa_cannot_reach_admin(staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fadmin%2F"
    followed = staff_client.get("/admin/accounts/user/", follow=True)
    assert b"two-factor" in followed.content


def test_staff_with_mfa_reaches_admin(staff_with_mfa, client):
    client.force_login(staff_with_mfa)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"Job Letters staff" in response.content


def test_seeker_is_refused_by_the_admin(seeker_client):
    response = seeker_client.get("/admin/", follow=True)
    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert response.status_code == 403


def test_admin_lists_users_searchable(staff_with_mfa, client, seeker, other_seeker):
    client.force_login(staff_with_mfa)
    response = client.get("/admin/accounts/user/", {"q": "seeker@"})
    assert response.status_code == 200
    assert b"seeker@example.com" in response.content
    assert b"other@example.com" not in response.content


def _current_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_staff_turns_on_two_factor_then_needs_it_at_every_login(client, staff, password):
    client.post("/accounts/login/", {"login": staff.email, "password": password})
    set_up = client.get("/admin/privacy/deletionrequest/")["Location"]
    assert set_up == "/accounts/2fa/totp/activate/?next=%2Fadmin%2Fprivacy%2Fdeletionrequest%2F"

    # The password was typed a moment ago: two-factor set-up does not ask for it again.
    page = client.get(set_up)
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert f'action="{set_up}"' in page.content.decode()  # the form keeps where they go
    response = client.post(set_up, {"code": _current_code(secret)})
    assert response["Location"] == "/admin/privacy/deletionrequest/"  # where they were going
    assert client.get("/admin/").status_code == 200

    # A new login now stops at the second factor until the code is given.
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"login": staff.email, "password": password})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_two_factor_set_up_asks_for_the_password_once_the_sign_in_is_old(
    client, staff, password, settings
):
    client.post("/accounts/login/", {"login": staff.email, "password": password})
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0  # the sign-in is now too long ago
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
    client.post(response["Location"], {"password": password})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_a_session_without_a_sign_in_record_is_asked_for_the_password(staff_client):
    response = staff_client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_reloading_the_set_up_page_keeps_the_secret_the_app_was_given(client, staff, password):
    client.post("/accounts/login/", {"login": staff.email, "password": password})
    first = client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    again = client.get("/accounts/2fa/totp/activate/")
    assert client.session["mfa.totp.secret"] == secret
    assert first.context["form"].secret == again.context["form"].secret == secret
    # The app scanned from the first page works after the reload.
    response = client.post("/accounts/2fa/totp/activate/", {"code": _current_code(secret)})
    assert response.status_code == 302
    assert "mfa.totp.secret" not in client.session  # set-up done: allauth forgets it


def test_set_up_never_sends_people_off_the_site(client, staff, password):
    client.post("/accounts/login/", {"login": staff.email, "password": password})
    address = "/accounts/2fa/totp/activate/?next=https://evil.example/"
    client.get(address)
    secret = client.session["mfa.totp.secret"]
    response = client.post(address, {"code": _current_code(secret)})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"


@pytest.mark.django_db(transaction=True)  # allauth says so once set-up is committed
def test_set_up_ends_in_the_admin_with_our_words(client, staff, password):
    client.post("/accounts/login/", {"login": staff.email, "password": password})
    set_up = client.get("/admin/")["Location"]
    client.get(set_up)
    code = _current_code(client.session["mfa.totp.secret"])
    response = client.post(set_up, {"code": code}, follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Two-factor authentication is on: each sign-in now asks for a code from your "
        "authenticator app.",
        "New recovery codes were made: each signs you in once without your phone. Keep them "
        "somewhere safe; they are on your two-factor authentication page.",
    ]
    assert 'href="/accounts/2fa/"' in response.content.decode()  # that page, from the admin
