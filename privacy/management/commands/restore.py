from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from privacy.rights.backups import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by 'manage.py backup' (database and file store), then replay "
        "every erasure recorded since, so nobody deleted comes back. Stop the web and worker "
        "processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, folder, yes=False, **options):
        if not (folder / "manifest.json").exists():
            raise CommandError(f"{folder} is not a backup folder (no manifest.json).")
        if not yes and input("This replaces the database. Type 'restore' to go on: ") != "restore":
            raise CommandError("Nothing restored.")
        again = restore_backup(folder)
        self.stdout.write(f"Restored {folder}; {again} people erased again from the backup.")
