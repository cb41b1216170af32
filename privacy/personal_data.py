"""Registry entries for the consent ledger and the disclosure log."""

from .models import Consent, Disclosure, PolicyVersion
from .registry import Erasure, declare, exempt

declare(
    Consent,
    section="3.1",
    category="Consents you gave or withdrew",
    purpose="To prove that we only share or use your information the way you allowed, and "
    "to respect your choices.",
    fields=(
        "purpose",
        "granted",
        "policy_version",
        "text",
        "recipients",
        "data_categories",
        "reference",
        "created_at",
    ),
    user_path="person",
    erasure=Erasure.DELETE,
    retention="As long as you keep your account.",
)
declare(
    Disclosure,
    section="3.1",
    category="Who received your information",
    purpose="A record of every time your information left Job Letters: to which recruiter "
    "or authority, what, when, and on what basis.",
    fields=(
        "recipient_kind",
        "recipient_name",
        "recipient_reference",
        "data_categories",
        "basis",
        "consent",
        "legal_reference",
        "disclosed_at",
    ),
    user_path="person",
    erasure=Erasure.DELETE,
    retention="As long as you keep your account.",
)
exempt(PolicyVersion, reason="Published versions of the privacy policy: text for everyone.")
