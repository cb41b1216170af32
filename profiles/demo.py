"""Demo data: a filled-in profile, job letter and a small PDF CV for the demo seeker.

Idempotent: a profile the demo seeker has already filled in (or edited) is kept.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TextIO

from accounts.models import User
from jobletters import demo, outbox
from taxonomy import search
from taxonomy.models import Place

from . import cvs, services
from .cv_checks.quick import quick_check
from .cv_checks.runner import caps
from .models import Target

LETTER = """Dear recruiter,

I am a commercial lawyer with eight years of experience in mergers and acquisitions, \
most recently advising technology companies on cross-border deals.

I am looking for an in-house or private-practice role in London, or a remote position \
with a UK team. I am admitted in England and Wales and speak French and Arabic.

**What I bring:**
- deal management from term sheet to completion
- GDPR and data-protection advice
- clear, practical drafting

Kind regards,
Amira Haddad"""

CV_LINES = [
    "Amira Haddad - Commercial lawyer",
    "8 years: M&A, technology transactions, GDPR",
    "Admitted in England and Wales (2017)",
    "Languages: English, French, Arabic",
]


@demo.register
def load(*, seeker: User, staff: User, stdout: TextIO) -> None:
    profile = services.get_profile(user=seeker)
    if not profile.headline:
        # Lawyer in London, and lawyer, remote.
        lawyer = search.search_occupations("lawyer", limit=1)
        places = [r.id for r in search.search_places("London", limit=1)]
        places += list(Place.objects.filter(kind=Place.Kind.REMOTE).values_list("id", flat=True))
        targets = [
            Target(occupation_id=role.id, title_id=role.title_id, place_id=place)
            for role in lawyer
            for place in places
        ]
        services.update_profile(
            user=seeker,
            name=seeker.name or "Amira Haddad",
            contact={
                "address_line1": "12 Example Row",
                "address_line2": "",
                "city": "London",
                "postal_code": "EC1A 1AA",
                "country": "GB",
                "phone": "+442079460958",
            },
            professional={
                "headline": "Commercial lawyer, 8 years in M&A and technology deals",
                "summary": "Solicitor advising technology companies on acquisitions, "
                "investments and data protection.",
                "years_of_experience": 8,
                "seniority": "senior",
                "skills": ["M&A", "contract drafting", "GDPR", "due diligence"],
                "languages": ["English", "French", "Arabic"],
                "linkedin_url": "https://www.linkedin.com/in/amira-haddad-demo/",
                "open_to_recruiters": bool(targets),
            },
            targets=targets,
        )
        services.update_job_letter(user=seeker, text=LETTER)
        stdout.write("Demo profile and job letter filled in.\n")

    if not cvs.cvs_of(seeker).exists():
        data = demo_cv_pdf(CV_LINES)
        upload = quick_check(file=io.BytesIO(data), display_name="Amira Haddad CV.pdf", caps=caps())
        cvs.upload_cv(owner=seeker, file=io.BytesIO(data), upload=upload)
        outbox.run_due(kinds=[cvs.CHECK_CV])  # checked at once, even before a worker runs
        stdout.write("Demo CV uploaded.\n")


def demo_cv_pdf(lines: list[str], *, writer_hook: Callable[[Any], None] | None = None) -> bytes:
    """A one-page PDF with real, extractable text (Helvetica, no fonts to embed).

    ``writer_hook`` gets the pypdf writer before it is saved (the tests use it to
    build hostile PDFs on the same base).
    """
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    commands = ["BT", "/F1 12 Tf", "16 TL", "72 770 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        commands.append(f"({escaped}) Tj T*")
    commands.append("ET")
    content = DecodedStreamObject()
    content.set_data("\n".join(commands).encode("latin-1", "replace"))
    page.replace_contents(ContentStream(content, writer))
    if writer_hook:
        writer_hook(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
