from pathlib import Path

from django.core.management.base import BaseCommand

from privacy.rights.backups import make_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) and the file store into "
        "BACKUP_DIR/<time>/, then delete backups older than BACKUP_RETENTION_DAYS "
        "(privacy/promises.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dest", type=Path, help="Folder for backups (default BACKUP_DIR).")

    def handle(self, *args, dest=None, **options):
        result = make_backup(dest=dest)
        self.stdout.write(
            f"Backup written to {result.path} ({result.files} stored files); "
            f"{result.pruned} old backups deleted."
        )
