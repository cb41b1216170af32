"""People, places and recruiters for the recruiter tests.

The taxonomy is loaded by migrations, but a transactional test empties every
table when it ends, so the vocabulary used here is fetched or created on demand.
"""

from __future__ import annotations

import re

from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from billing.ledger import grant_complimentary_sends
from jobletters.lib.files import generate_key
from profiles import services as profile_services
from profiles.demo import demo_cv_pdf
from profiles.models import CV, Target
from recruiters import sending
from recruiters.directory import RecruiterData, save_recruiters
from recruiters.models import Delivery, Recruiter
from taxonomy.models import Occupation, Place
from tests.factories import UserFactory
from tests.utils import run_outbox

CITIES = {
    # name: (country, latitude, longitude, population)
    "London": ("GB", 51.50853, -0.12574, 8_961_989),
    "Croydon": ("GB", 51.38333, -0.1, 192_064),
    "Manchester": ("GB", 53.48095, -2.23743, 395_515),
    "Paris": ("FR", 48.85341, 2.3488, 2_138_551),
    "Lyon": ("FR", 45.74846, 4.84671, 472_317),
    "Geneva": ("CH", 46.20222, 6.14569, 183_981),
    "Annemasse": ("FR", 46.19439, 6.23775, 27_983),
    "Sydney": ("AU", -33.86785, 151.20732, 4_627_345),
}
COUNTRIES = {"GB": "United Kingdom", "FR": "France", "CH": "Switzerland", "AU": "Australia"}
OCCUPATIONS = {
    "2611": "Lawyers",
    "2612": "Judges",
    "2619": "Legal professionals not elsewhere classified",
    "2512": "Software developers",
    "2221": "Nursing professionals",
}


def occupation(code: str) -> Occupation:
    found = Occupation.objects.filter(code=code).first()
    return found or Occupation.objects.create(code=code, title=OCCUPATIONS[code])


def city(name: str) -> Place:
    country, latitude, longitude, population = CITIES[name]
    found = (
        Place.objects.filter(kind=Place.Kind.CITY, name=name, country=country)
        .order_by("-population")
        .first()
    )
    if found is None:
        found = Place.objects.create(
            kind=Place.Kind.CITY,
            name=name,
            country=country,
            latitude=latitude,
            longitude=longitude,
            population=population,
        )
    return found


def country(code: str) -> Place:
    found = Place.objects.filter(kind=Place.Kind.COUNTRY, country=code).first()
    return found or Place.objects.create(
        kind=Place.Kind.COUNTRY, name=COUNTRIES[code], country=code
    )


def remote() -> Place:
    found = Place.objects.filter(kind=Place.Kind.REMOTE).first()
    return found or Place.objects.create(kind=Place.Kind.REMOTE, name="Remote")


_counter = iter(range(1, 10**9))


def recruiter(
    *,
    occupations: list[Occupation],
    places: list[Place],
    name: str = "",
    agency: str = "",
    email: str = "",
    **extra,
) -> Recruiter:
    n = next(_counter)
    name = name or f"Rae Recruiter {n}"
    email = email or f"recruiter{n}@agency{n}.example"
    save_recruiters(
        [
            RecruiterData(
                name=name,
                agency=agency or f"Agency {n}",
                email=email,
                website=f"https://agency{n}.example",
                occupation_ids=[o.pk for o in occupations],
                place_ids=[p.pk for p in places],
                **extra,
            )
        ]
    )
    return Recruiter.objects.get(email=email.lower())


def ready_cv(user, *, name: str = "Sam CV.pdf") -> CV:
    """A CV that passed its check, with its normalised copy in storage."""
    data = demo_cv_pdf(["Sam Seeker - Commercial lawyer", "M&A, GDPR, due diligence"])
    original = default_storage.save(generate_key("cvs", "pdf"), ContentFile(data))
    copy = default_storage.save(generate_key("cv-copies", "pdf"), ContentFile(data))
    CV.objects.filter(owner=user, is_current=True).update(is_current=False)
    return CV.objects.create(
        owner=user,
        file=original,
        normalised_file=copy,
        original_name=name,
        kind="pdf",
        content_type="application/pdf",
        size=len(data),
        sha256="0" * 64,
        state=CV.State.READY,
        checked_at=timezone.now(),
        is_current=True,
        text="Commercial lawyer. M&A, GDPR and due diligence for technology companies.",
        text_state=CV.TextState.DONE,
    )


LETTER = "Dear recruiter,\n\nI advise technology companies on **M&A**.\n\nSam"


def ready_seeker(
    user=None,
    *,
    occupations: list[Occupation] | None = None,
    places: list[Place] | None = None,
    pairs: list[tuple[Occupation, Place]] | None = None,
    related: bool = False,
    sends: int = 10,
    cv: bool = True,
    seniority: str = "senior",
    languages: tuple[str, ...] = ("English", "French"),
    skills: tuple[str, ...] = ("M&A", "GDPR"),
    contact: dict | None = None,
):
    """A seeker with targets, a job letter, a ready CV and sends to spend: ``pairs``, or
    each of ``occupations`` in each of ``places`` (by default, lawyer in London)."""
    user = user or UserFactory()
    occupations = occupations if occupations is not None else [occupation("2611")]
    places = places if places is not None else [city("London")]
    if pairs is None:
        pairs = [(o, p) for o in occupations for p in places]
    with transaction.atomic():
        profile_services.update_profile(
            user=user,
            name=user.name or "Sam Seeker",
            contact=contact
            or {
                "address_line1": "12 Example Row",
                "address_line2": "",
                "city": "London",
                "postal_code": "EC1A 1AA",
                "country": "GB",
                "phone": "+442079460958",
            },
            professional={
                "headline": "Commercial lawyer, 8 years",
                "summary": "Technology deals.",
                "years_of_experience": 8,
                "seniority": seniority,
                "skills": list(skills),
                "languages": list(languages),
                "linkedin_url": "",
                "related_roles": related,
                "open_to_recruiters": bool(pairs),
            },
            targets=[Target(occupation=o, place=p) for o, p in pairs],
        )
        profile_services.update_job_letter(user=user, text=LETTER)
        if cv:
            ready_cv(user)
        if sends:
            grant_complimentary_sends(user=user, sends=sends, staff=_granter(), reason="Test sends")
    return user


def _granter():
    from accounts.models import User

    return User.objects.filter(email="granter@example.com").first() or UserFactory(
        email="granter@example.com", is_staff=True
    )


TOKEN = re.compile(r"/p/([A-Za-z0-9_-]{43})/")


def send_to(seeker, *recruiters, include_contact=False, deliver=True) -> Delivery:
    ids = [r.pk for r in recruiters]
    plan = sending.plan_send(seeker=seeker, recruiter_ids=ids, include_contact=include_contact)
    send = sending.confirm_send(
        seeker=seeker, recruiter_ids=ids, include_contact=include_contact,
        consent_given=True, digest=plan.digest,
    )  # fmt: skip
    if deliver:
        run_outbox()
    return send.deliveries.order_by("pk").first()


def token_for(recruiter) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [recruiter.email])
    return TOKEN.search(message.body).group(1)


def packet(
    seeker,
    to: Recruiter,
    *,
    sent_at,
    opened_at=None,
    answered_at=None,
    role: str = "Lawyer",
    place: str = "London",
):
    """A packet of ``seeker`` that reached ``to`` at ``sent_at`` (opened and answered
    when given), with its consent and disclosure records, as a delivered send leaves them."""
    from privacy.consent import record_consent, record_disclosure
    from recruiters.models import Answer, Delivery, Send

    n = next(_counter)
    consent = record_consent(
        person=seeker, purpose="share_with_recruiters", granted=True, text="Send my packet."
    )
    disclosure = record_disclosure(
        person=seeker,
        recipient_kind="recruiter",
        recipient_name=to.label,
        data_categories=["CV"],
        basis="consent",
        consent=consent,
        reference=f"packet:{n}",
    )
    send = Send.objects.create(seeker=seeker, consent=consent, snapshot={"headline": role})
    delivery = Delivery.objects.create(
        send=send,
        seeker=seeker,
        recruiter=to,
        consent=consent,
        recipient_name=to.label,
        reason=f"Recruits for {role} in {place}",
        role=role,
        place=place,
        state="opened" if opened_at else "sent",
        message_id=f"<packet-{n}@jobletters.example>",
        disclosure=disclosure,
        created_at=sent_at,
        sent_at=sent_at,
        opened_at=opened_at,
    )
    if answered_at:
        Answer.objects.create(delivery=delivery, kind="interested", answered_at=answered_at)
    return delivery
