from io import StringIO

from billing import demo
from billing.ledger import balance
from billing.models import LedgerEntry, Plan


def test_demo_loads_plans_and_welcome_sends_once(seeker, staff):
    demo.load(seeker=seeker, staff=staff, stdout=StringIO())
    demo.load(seeker=seeker, staff=staff, stdout=StringIO())

    assert list(Plan.objects.values_list("slug", "sends")) == [
        ("starter", 25),
        ("standard", 100),
        ("wide", 250),
    ]
    assert LedgerEntry.objects.count() == 1
    assert balance(user=seeker) == 5
