"""§5 "backup storage": a backup restored after a deletion does not bring the person back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from privacy.models import Tombstone
from privacy.rights.backups import make_backup, prune_backups
from privacy.rights.erasure import erase_person

from .builders import person_with_everything
from .walk import rows_referring_to


@pytest.mark.django_db(transaction=True)
def test_s5_restoring_a_backup_taken_before_a_deletion_forgets_the_person_again(
    seeker, other_seeker, staff, stripe_double, tmp_path
):
    mine = person_with_everything(seeker, staff=staff)
    person_with_everything(other_seeker, staff=staff)
    words = mine["words"]
    cv_file = mine["cv"].file.name
    backup = make_backup(dest=tmp_path / "backups").path

    erase_person(seeker.pk)
    assert rows_referring_to(seeker.pk, words) == []
    assert not default_storage.exists(cv_file)

    call_command("restore", str(backup), yes=True)

    # The restore brought the old rows back, and the replay erased them again.
    assert rows_referring_to(seeker.pk, words) == []
    assert not default_storage.exists(cv_file)
    assert Tombstone.objects.filter(erased_at__isnull=False).count() == 1
    # Everyone else is as they were.
    assert User.objects.filter(pk=other_seeker.pk).exists()
    assert rows_referring_to(other_seeker.pk, [other_seeker.email]) != []


@pytest.mark.django_db(transaction=True)
def test_s5_the_journal_replays_even_when_the_database_lost_the_tombstone(
    seeker, staff, stripe_double, tmp_path, django_capture_on_commit_callbacks
):
    person_with_everything(seeker, staff=staff)
    backup = make_backup(dest=tmp_path / "backups").path
    erase_person(seeker.pk)
    Tombstone.objects.all().delete()  # only the file store's journal remembers

    call_command("restore", str(backup), yes=True)

    assert not User.objects.filter(pk=seeker.pk).exists()


def test_s5_old_backups_are_deleted(tmp_path):
    now = timezone.now()
    for days in (1, 34, 36, 90):
        (tmp_path / (now - timedelta(days=days)).strftime("%Y%m%dT%H%M%SZ")).mkdir()
    assert prune_backups(root=tmp_path, now=now) == 2
    assert len(list(tmp_path.iterdir())) == 2
