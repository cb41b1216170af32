import pytest
from allauth.usersessions.models import UserSession

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_settings_page_shows_every_part_of_the_account(seeker_client):
    response = seeker_client.get("/accounts/settings/")
    assert response.status_code == 200
    for link in (
        b"/accounts/email/",
        b"/accounts/password/change/",
        b"/accounts/2fa/",
        b"/accounts/sessions/",
    ):
        assert link in response.content
    assert b"seeker@example.com" in response.content


def test_seeker_changes_their_name(seeker_client, seeker):
    response = seeker_client.post("/accounts/settings/", {"name": "  Samira Seeker "})
    assert response.status_code == 302
    assert User.objects.get(pk=seeker.pk).name == "Samira Seeker"


def test_name_that_is_too_long_gets_a_message(seeker_client):
    response = seeker_client.post("/accounts/settings/", {"name": "x" * 200})
    assert response.status_code == 200
    assert b"at most 150 characters" in response.content


# A name is one line of letters, marks, numbers, punctuation, symbols and spaces: whatever
# else it holds (line breaks, controls, bidi overrides, private-use) never reaches an
# email header, a packet or a page.
NOT_A_NAME = ["Sam\x07Seeker", "Sam\u202eSeeker", "Sam \ue000", "Sam\u200bSeeker", "\U000e0041"]
NAME_MESSAGE = b"Enter a name made of letters, numbers, punctuation, symbols and spaces."


def test_a_name_is_saved_on_one_line_normalised(seeker_client, seeker):
    response = seeker_client.post(
        "/accounts/settings/", {"name": " Zoe\u0301\r\n\tde\u00a0 la Tour\n"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=seeker.pk).name == "Zo\u00e9 de la Tour"


@pytest.mark.parametrize("name", NOT_A_NAME)
def test_a_name_with_other_characters_gets_a_message(seeker_client, seeker, name):
    response = seeker_client.post("/accounts/settings/", {"name": name})
    assert response.status_code == 200
    assert NAME_MESSAGE in response.content
    assert User.objects.get(pk=seeker.pk).name == "Sam Seeker"


@pytest.mark.parametrize("name", NOT_A_NAME)
def test_staff_cannot_give_a_person_such_a_name_in_the_admin(client, staff_with_mfa, seeker, name):
    client.force_login(staff_with_mfa)
    url = f"/admin/accounts/user/{seeker.pk}/change/"
    response = client.post(url, {"email": seeker.email, "name": name, "is_active": "on"})
    assert response.status_code == 200
    assert NAME_MESSAGE in response.content
    assert User.objects.get(pk=seeker.pk).name == "Sam Seeker"
    saved = client.post(url, {"email": seeker.email, "name": "Sam\nSeeker ", "is_active": "on"})
    assert saved.status_code == 302
    assert User.objects.get(pk=seeker.pk).name == "Sam Seeker"


def test_the_name_service_and_the_model_apply_the_same_rule(seeker):
    from django.core.exceptions import ValidationError

    from accounts.services import update_user_name

    assert update_user_name(user=seeker, name="  Sam\r\nSeeker").name == "Sam Seeker"
    for name in NOT_A_NAME:
        with pytest.raises(ValidationError):
            update_user_name(user=seeker, name=name)
        seeker.name = name
        with pytest.raises(ValidationError):
            seeker.full_clean()
    assert User.objects.get(pk=seeker.pk).name == "Sam Seeker"


def test_sessions_are_listed_and_can_be_ended(client, seeker, password):
    client.post("/accounts/login/", {"login": seeker.email, "password": password})
    assert UserSession.objects.filter(user=seeker).count() == 1
    response = client.get("/accounts/sessions/")
    assert response.status_code == 200
    assert b"Sign Out" in response.content or b"sign out" in response.content.lower()


def test_mfa_pages_render_in_the_site_layout(seeker_client):
    response = seeker_client.get("/accounts/2fa/")
    assert response.status_code == 200
    assert b"vendor/pico.min.css" in response.content
    assert b"Skip to content" in response.content
