from django.core.management.base import BaseCommand

from privacy.rights.backups import replay_erasures


class Command(BaseCommand):
    help = (
        "Erase again everyone whose erasure is recorded in a tombstone (database or journal): "
        "run after restoring a backup by other means."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{replay_erasures()} people erased again.")
