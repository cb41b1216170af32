"""The processors Job Letters runs on (§3.3, §6), as a starting point staff edit in the admin."""

from datetime import date

from django.db import migrations

SINCE = date(2026, 1, 1)
EVERYTHING = ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9"]
AWS_SAFEGUARDS = (
    "AWS Data Processing Addendum, including the EU Standard Contractual Clauses; Amazon Web "
    "Services, Inc. is certified under the EU-U.S. Data Privacy Framework. Data is encrypted in "
    "transit (TLS) and at rest, and only our staff hold the keys to our account."
)

PROCESSORS = [
    {
        "name": "Amazon Web Services (servers, database and job queue)",
        "purpose": "Hosting: the servers that run Job Letters, our PostgreSQL database, and the "
        "Redis cache and job queue. Everything we hold is stored or passes through here.",
        "data_categories": EVERYTHING,
        "country": "US",
        "safeguards": AWS_SAFEGUARDS,
        "website": "https://aws.amazon.com/privacy/",
    },
    {
        "name": "Amazon S3 (Amazon Web Services)",
        "purpose": "File storage, in a private bucket: the CVs you upload, the copies of your "
        "data you ask for, and our backups of the database.",
        "data_categories": EVERYTHING,
        "country": "US",
        "safeguards": AWS_SAFEGUARDS,
        "website": "https://aws.amazon.com/privacy/",
    },
    {
        "name": "Amazon SES (Amazon Web Services)",
        "purpose": "Email delivery: the emails we send you (sign-in codes, receipts, notices, "
        "answers to your questions) and the packets you send to recruiters.",
        "data_categories": ["2.1", "2.2", "2.4", "2.6"],
        "country": "US",
        "safeguards": AWS_SAFEGUARDS,
        "website": "https://aws.amazon.com/privacy/",
    },
    {
        "name": "Stripe, Inc.",
        "purpose": "Payments: takes your card payment for packages of sends, and keeps the "
        "payment records (our payment processor, see §2.3).",
        "data_categories": ["2.1", "2.3"],
        "country": "US",
        "safeguards": "Stripe Data Processing Agreement, including the EU Standard Contractual "
        "Clauses; Stripe is certified under the EU-U.S. Data Privacy Framework and is a PCI DSS "
        "Level 1 service provider. Your card details go to Stripe only, never to us.",
        "website": "https://stripe.com/privacy",
    },
]


def seed(apps, schema_editor):
    Subprocessor = apps.get_model("privacy", "Subprocessor")
    for values in PROCESSORS:
        Subprocessor.objects.get_or_create(
            name=values["name"], defaults={**values, "since": SINCE}
        )


def unseed(apps, schema_editor):
    Subprocessor = apps.get_model("privacy", "Subprocessor")
    Subprocessor.objects.filter(
        name__in=[p["name"] for p in PROCESSORS], changes__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0006_terms_v1")]
    operations = [migrations.RunPython(seed, unseed)]
