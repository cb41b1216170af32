"""Staff manage the directory: edit, CSV import (preview, per-line errors, all or nothing),
export, and one recruiter's own data (export, erase) found by email."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from recruiters import csv_io, directory
from recruiters.models import Coverage, Delivery, PacketAccess, Recruiter, Suppression

from . import builders as b

pytestmark = pytest.mark.django_db

IMPORT = "/admin/recruiters/recruiter/import/"


@pytest.fixture
def admin_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


@pytest.fixture
def vocabulary(db):
    return {
        "lawyers": b.occupation("2611"),
        "judges": b.occupation("2612"),
        "london": b.city("London"),
        "uk": b.country("GB"),
        "remote": b.remote(),
    }


def _upload(client, text: str):
    return client.post(IMPORT, {"file": SimpleUploadedFile("r.csv", text.encode(), "text/csv")})


GOOD = (
    "name,agency,email,website,occupations,places,seniority,languages,specialisms,daily_cap,active\n"
    "Alex Carter,Harper Legal,Alex@Harper.example,https://harper.example,2611 Lawyers; 2612,"
    '"London, GB; GB; Remote",senior; Lead / principal,English; French,M&A; GDPR,15,yes\n'
    "Jordan Lee,,jordan@north.example,,2611,Remote,,,,,no\n"
)


def test_a_valid_file_is_previewed_then_imported(admin_client, vocabulary):
    preview = _upload(admin_client, GOOD)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "2 new recruiters, 0 updated" in html
    assert "2611 Lawyers; 2612 Judges" in html and "London, United Kingdom" in html
    assert not Recruiter.objects.exists()  # nothing saved by the preview

    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    done = admin_client.post(IMPORT, {"payload": payload})

    assert done.status_code == 302
    alex = Recruiter.objects.get(email="alex@harper.example")
    assert {o.code for o in alex.occupations.all()} == {"2611", "2612"}
    assert set(alex.places.all()) == {vocabulary["london"], vocabulary["uk"], vocabulary["remote"]}
    assert alex.seniority_levels == ["senior", "lead"]
    assert alex.languages == ["English", "French"] and alex.keywords == ["M&A", "GDPR"]
    assert alex.daily_cap == 15 and alex.active
    assert Coverage.objects.filter(recruiter=alex).count() == 6  # 2 occupations x 3 places
    jordan = Recruiter.objects.get(email="jordan@north.example")
    assert not jordan.active and not Coverage.objects.filter(recruiter=jordan).exists()


def test_errors_are_shown_per_line_and_nothing_is_saved(admin_client, vocabulary):
    text = (
        "name,email,occupations,places,daily_cap,active\n"
        'Good One,good@example.com,2611,"London, GB",10,yes\n'
        ",not-an-email,9999,Atlantis,0,maybe\n"
        "Dup,good@example.com,2611,GB,,\n"
        "Too many,many@example.com,2611,London\n"
    )
    response = _upload(admin_client, text)
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "The name is missing." in html
    assert "“not-an-email” is not an email address." in html
    assert "“9999” is not an ISCO-08 unit group code" in html
    assert "“Atlantis” is not a place we know" in html
    assert "“0” is not a daily cap" in html and "“maybe” is not yes or no" in html
    assert "The email address is already on line 2." in html
    assert "“London” is not a place we know" in html
    rows = re.findall(r"<tr><td>(\d+)</td>", html)
    assert set(rows) == {"3", "4", "5"}
    assert 'name="payload"' not in html
    assert not Recruiter.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"", "The submitted file is empty."),
        (b"name,email\nA,a@example.com\n", "missing column(s): occupations, places"),
        (b"name,email,occupations,places,shoe_size\n", "unknown column(s): shoe_size"),
        (b"x" * (csv_io.MAX_BYTES + 1), "larger than 2 MB"),
    ],
)
def test_unreadable_files_get_a_clear_message(admin_client, vocabulary, data, message):
    response = admin_client.post(IMPORT, {"file": SimpleUploadedFile("r.csv", data)})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_tampered_preview_saves_nothing(admin_client, vocabulary):
    response = admin_client.post(IMPORT, {"payload": "forged:payload"})
    assert "damaged" in response.content.decode()
    assert not Recruiter.objects.exists()


def test_updates_keep_an_opt_out(admin_client, vocabulary):
    alex = b.recruiter(
        email="alex@harper.example",
        occupations=[vocabulary["lawyers"]],
        places=[vocabulary["london"]],
    )
    directory.opt_out_recruiter(recruiter_id=alex.pk)
    preview = csv_io.read(GOOD)
    assert preview.ok and (preview.creates, preview.updates) == (1, 1)
    csv_io.save(preview)
    alex.refresh_from_db()
    assert alex.name == "Alex Carter" and alex.opted_out_at is not None
    assert not Coverage.objects.filter(recruiter=alex).exists()


def test_export_writes_what_import_reads_and_defuses_formulas(admin_client, vocabulary):
    b.recruiter(
        name='=HYPERLINK("http://evil")',
        email="evil@example.com",
        occupations=[vocabulary["lawyers"]],
        places=[vocabulary["london"], vocabulary["remote"]],
        keywords=["+M&A"],
    )
    response = admin_client.get("/admin/recruiters/recruiter/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["name"].startswith("'=")
    assert row["specialisms"] == "'+M&A"
    assert row["occupations"] == "2611 Lawyers"
    assert row["places"].startswith("London, GB") and row["places"].endswith("; Remote")

    Recruiter.objects.all().delete()
    preview = csv_io.read(text)
    assert preview.ok, preview.errors
    csv_io.save(preview)
    again = Recruiter.objects.get()
    assert again.name == '=HYPERLINK("http://evil")' and again.keywords == ["+M&A"]
    assert set(again.places.all()) == {vocabulary["london"], vocabulary["remote"]}


def test_editing_a_recruiter_in_the_admin_updates_the_matching_index(admin_client, vocabulary):
    alex = b.recruiter(occupations=[vocabulary["lawyers"]], places=[vocabulary["london"]])
    response = admin_client.post(
        f"/admin/recruiters/recruiter/{alex.pk}/change/",
        {
            "name": "Alex Carter",
            "agency": "Harper",
            "email": "ALEX@Harper.example",
            "website": "",
            "occupations": [vocabulary["judges"].pk],
            "places": [vocabulary["uk"].pk, vocabulary["remote"].pk],
            "seniority_levels": ["senior"],
            "languages": "English, French",
            "keywords": "litigation; GDPR",
            "daily_cap": "30",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    alex.refresh_from_db()
    assert alex.email == "alex@harper.example"
    assert alex.languages == ["English", "French"] and alex.keywords == ["litigation", "GDPR"]
    rows = Coverage.objects.filter(recruiter=alex)
    assert {(r.minor_group, r.country) for r in rows} == {("261", "GB"), ("261", "")}
    assert rows.first().seniority_mask != 0 and "|gdpr|" in rows.first().keywords_key


def test_staff_freeze_a_recruiter_in_one_labelled_box(admin_client, vocabulary):
    alex = b.recruiter(occupations=[vocabulary["lawyers"]], places=[vocabulary["london"]])
    page = admin_client.get(f"/admin/recruiters/recruiter/{alex.pk}/change/").content.decode()
    for name in ("frozen_at", "suspended_at"):  # one box each, with its label
        assert f'<label for="id_{name}"' in page
        assert re.search(rf'<input type="datetime-local" name="{name}"', page)
    response = admin_client.post(
        f"/admin/recruiters/recruiter/{alex.pk}/change/",
        {
            "name": alex.name,
            "email": alex.email,
            "occupations": [vocabulary["lawyers"].pk],
            "places": [vocabulary["london"].pk],
            "languages": "",
            "keywords": "",
            "daily_cap": "30",
            "active": "on",
            "frozen_at": "2026-03-02T09:30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    alex.refresh_from_db()
    assert alex.frozen_at.isoformat() == "2026-03-02T09:30:00+00:00"


NOT_WEB = ["ftp://harper.example/", "javascript:alert(1)//https://harper.example"]


@pytest.mark.parametrize("website", NOT_WEB)
def test_a_website_is_a_web_address_for_the_model_the_csv_and_the_admin(
    admin_client, vocabulary, website
):
    alex = b.recruiter(occupations=[vocabulary["lawyers"]], places=[vocabulary["london"]])
    alex.website = website
    with pytest.raises(ValidationError) as refused:
        alex.full_clean()
    assert list(refused.value.message_dict) == ["website"]

    preview = csv_io.read(
        f"name,email,website,occupations,places\nA,a@a.example,{website},2611,GB\n"
    )
    assert not preview.ok
    assert "is not a web address (it starts with https://)" in str(preview.errors)

    response = admin_client.post(
        f"/admin/recruiters/recruiter/{alex.pk}/change/",
        {
            "name": "Alex Carter",
            "email": alex.email,
            "website": website,
            "occupations": [vocabulary["lawyers"].pk],
            "places": [vocabulary["london"].pk],
            "daily_cap": "20",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert Recruiter.objects.get(pk=alex.pk).website.startswith("https://")


def test_the_admin_refuses_a_recruiter_without_places(admin_client, vocabulary):
    response = admin_client.post(
        "/admin/recruiters/recruiter/add/",
        {
            "name": "No Places",
            "email": "none@example.com",
            "occupations": [vocabulary["lawyers"].pk],
            "daily_cap": "20",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert not Recruiter.objects.exists()


def test_staff_export_and_erase_one_recruiter_by_email(admin_client, seeker, vocabulary):
    from .builders import send_to

    b.ready_seeker(seeker)
    alex = b.recruiter(
        name="Alex Carter", email="alex@harper.example",
        occupations=[vocabulary["lawyers"]], places=[vocabulary["london"]],
    )  # fmt: skip
    delivery = send_to(seeker, alex)
    from recruiters import sending

    sending.record_access(delivery=delivery, kind="view")
    page = "/admin/recruiters/recruiter/personal-data/"

    exported = admin_client.post(page, {"email": "ALEX@harper.example", "export": "1"})
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith("attachment;")
    data = json.loads(exported.content)
    assert data["recruiter"]["email"] == "alex@harper.example"
    assert len(data["packets_received"]) == 1 and data["packet_page_activity"]
    assert "seeker@example.com" not in exported.content.decode()
    assert "Sam Seeker" not in exported.content.decode()

    unticked = admin_client.post(page, {"email": "alex@harper.example", "erase": "1"})
    assert "Tick the box" in unticked.content.decode()
    assert Recruiter.objects.filter(pk=alex.pk).exists()

    erased = admin_client.post(
        page, {"email": "alex@harper.example", "erase": "1", "confirm": "on"}
    )
    assert erased.status_code == 302
    assert not Recruiter.objects.filter(email="alex@harper.example").exists()
    assert not PacketAccess.objects.exists()
    delivery.refresh_from_db()
    assert delivery.recruiter is None and delivery.recipient_name.startswith("Alex Carter")
    unknown = admin_client.post(page, {"email": "alex@harper.example", "export": "1"})
    assert "No recruiter in the directory has this address." in unknown.content.decode()


def test_erasing_an_opted_out_recruiter_keeps_them_out(vocabulary):
    alex = b.recruiter(
        email="alex@harper.example",
        occupations=[vocabulary["lawyers"]],
        places=[vocabulary["london"]],
    )
    directory.opt_out_recruiter(recruiter_id=alex.pk)
    directory.erase_recruiter(email="alex@harper.example")
    assert Suppression.objects.count() == 1
    back = b.recruiter(
        email="alex@harper.example",
        occupations=[vocabulary["lawyers"]],
        places=[vocabulary["london"]],
    )
    assert back.opted_out_at is not None and not Coverage.objects.filter(recruiter=back).exists()


def test_deliveries_are_read_only_for_staff(admin_client, vocabulary):
    assert admin_client.get("/admin/recruiters/delivery/").status_code == 200
    assert admin_client.get("/admin/recruiters/delivery/add/").status_code == 403
    assert admin_client.get("/admin/recruiters/recruiter/").status_code == 200
    assert not Delivery.objects.exists()
