"""Registry entries for public comments (policy §2.5, and §2.8 for a post's place tag).

Erasure rule (chosen on purpose): when an account is erased, its threads and
comments stay where they are, shown as written by "deleted user", with nothing
left that links them to the person (the author link is removed; the author's
name was never stored with the post). Deleting them would tear holes in other
people's conversations: a reply to a deleted question means nothing. Anyone who
wants their words gone deletes them first, one by one, at any time; deleting a
thread deletes its comments too. Reports a person made lose their note and the
link to them; the moderators' decision stays.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from privacy.registry.declarations import Actor, Basis, Erasure, declare
from privacy.registry.retention import Retention

from .models import Comment, Report, Thread

_KEPT = Retention.account(
    _(
        "When you delete your account, your posts stay on their threads as written by “deleted "
        "user”, with nothing that links them to you; delete a post yourself first if you want it "
        "gone. Posts staff delete for breaking the rules are deleted at once."
    )
)
_HIDDEN_BY = Actor(
    "hidden_by",
    fields=("hidden_at",),
    erasure=Erasure.ANONYMISE,
    description="Posts you hid as a moderator (when, not whose).",
)

declare(
    Thread,
    section="2.5",
    category=_("Your community threads"),
    purpose=_(
        "To show the discussions you start to everyone, as the community service does. "
        "A thread's optional place tag (§2.8) is the place you chose for it, never worked out "
        "from your device."
    ),
    legal_basis=Basis.CONTRACT,
    recipients=(_("Everyone: community threads are public"),),
    about="author",
    fields=(
        "title",
        "body",
        "place",
        "created_at",
        "edited_at",
        "last_activity_at",
        "comment_count",
        "hidden_at",
        "hidden_reason",
    ),
    acted=_HIDDEN_BY,
    erasure=Erasure.ANONYMISE,
    retention=_KEPT,
)
declare(
    Comment,
    section="2.5",
    category=_("Your community comments"),
    purpose=_("To show the comments you write to everyone, as the community service does."),
    legal_basis=Basis.CONTRACT,
    recipients=(_("Everyone: community comments are public"),),
    about="author",
    fields=("thread", "body", "created_at", "edited_at", "hidden_at", "hidden_reason"),
    acted=_HIDDEN_BY,
    erasure=Erasure.ANONYMISE,
    retention=_KEPT,
)
declare(
    Report,
    section="2.5",
    category=_("Posts you reported"),
    purpose=_(
        "To let our moderators act on posts that break the rules. The person who wrote "
        "the post never learns who reported it."
    ),
    legal_basis=Basis.LEGITIMATE_INTERESTS,
    recipients=(_("Our moderators"),),
    about="reporter",
    fields=("thread", "comment", "reason", "note", "created_at", "resolved_at"),
    acted=Actor(
        "resolved_by",
        fields=("resolved_at",),
        erasure=Erasure.ANONYMISE,
        description="Reports you dealt with as a moderator (when, not whose).",
    ),
    anonymise_to={"note": ""},
    erasure=Erasure.ANONYMISE,
    retention=Retention.account(
        _(
            "When you delete your account, your reports stay for the moderators without your "
            "note or anything that links them to you."
        )
    ),
)
