"""A CV's stored files go when its row goes, however the row goes.

Rows leave through ``cvs.delete_cv``, the staff admin, a cascade when an
account is erased, or the privacy purge. Hooking the file deletion to the row's
deletion (and running it only after the transaction commits) means none of
those paths can leave an orphan file, nor delete a file whose row survived a
rollback. Both the person's original and the normalised copy go.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .cvs import schedule_file_deletion
from .models import CV


@receiver(post_delete, sender=CV, dispatch_uid="profiles_cv_delete_file")
def _delete_cv_file(sender: type[CV], instance: CV, **kwargs: Any) -> None:
    for stored in (instance.file, instance.normalised_file):
        if stored.name:
            schedule_file_deletion(storage=stored.storage, name=stored.name)
