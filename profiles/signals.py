"""A CV's stored file goes when its row goes, however the row goes.

Rows leave through ``services.delete_cv``, the staff admin, a cascade when an
account is erased, or the privacy purge. Hooking the file deletion to the row's
deletion (and running it only after the transaction commits) means none of
those paths can leave an orphan file, nor delete a file whose row survived a
rollback.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import CV
from .services import schedule_file_deletion


@receiver(post_delete, sender=CV, dispatch_uid="profiles_cv_delete_file")
def _delete_cv_file(sender: type[CV], instance: CV, **kwargs: Any) -> None:
    if instance.file.name:
        schedule_file_deletion(storage=instance.file.storage, name=instance.file.name)
