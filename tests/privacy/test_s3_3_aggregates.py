"""§3.3 (last sentence): "aggregated or anonymized information that does not directly
identify you". Counts about people leave only through
privacy.accountability.aggregates.release: no cell describes fewer than 10 people, and no
total lets a reader work one out by subtraction."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.accountability import aggregates
from privacy.accountability.aggregates import K, release
from privacy.consent import record_consent, record_disclosure
from profiles.models import Profile, Target
from taxonomy.models import Occupation, Place

from ..factories import UserFactory

SEEKERS = "seekers-by-occupation-group-and-country"


@pytest.fixture
def throwaway():
    names = []
    yield names
    for name in names:
        aggregates.forget(name)


def _seeker(n: int, *places: Place, occupation: Occupation) -> None:
    user = UserFactory(email=f"seeker{n}@example.com")
    profile = Profile.objects.create(user=user)
    Target.objects.bulk_create(
        Target(profile=profile, occupation=occupation, place=place) for place in places
    )


def _csv(result: aggregates.Release) -> list[list[str]]:
    handle = io.StringIO()
    aggregates.write_csv(result, handle)
    return list(csv.reader(io.StringIO(handle.getvalue())))


@pytest.mark.django_db
def test_s3_3_cells_under_10_people_never_leave():
    lawyers = Occupation.objects.get(code="2611")
    london = Place.objects.filter(kind="city", country="GB", name="London").first()
    uk = Place.objects.get(kind="country", country="GB")
    france = Place.objects.get(kind="country", country="FR")
    remote = Place.objects.get(kind="remote")
    # Nine people in (Professionals, GB): one of them through two places of the country,
    # who must count once (counted twice, the cell would reach 10 and leave).
    _seeker(0, london, uk, occupation=lawyers)
    for n in range(1, 9):
        _seeker(n, london, occupation=lawyers)
    for n in range(10, 20):  # ten in (Professionals, FR)
        _seeker(n, france, occupation=lawyers)
    _seeker(30, remote, occupation=lawyers)

    result = release(SEEKERS)

    assert [(c.cell, c.people) for c in result.cells] == [(("2 Professionals", "FR"), 10)]
    assert result.suppressed == 2  # GB (9) and Remote (1): left out, not even named
    rows = _csv(result)
    assert rows[0] == ["occupation_group", "country", "people"]
    assert rows[1] == ["2 Professionals", "FR", "10"]
    # The only total is the sum of the cells shown: nothing to subtract from.
    assert rows[-1][0].startswith("total of the cells shown") and rows[-1][-1] == "10"
    text = "\n".join(",".join(r) for r in rows)
    assert "GB" not in text and "Remote" not in text and ",9" not in text


@pytest.mark.django_db
def test_s3_3_packets_per_month_counts_people_not_packets():
    now = timezone.now()
    lone = UserFactory(email="lone@example.com")
    consent = record_consent(person=lone, purpose="share_with_recruiters", granted=True, text="ok")
    for n in range(30):  # one person, thirty packets: still one person
        record_disclosure(
            person=lone, recipient_kind="recruiter", recipient_name="R", data_categories=["CV"],
            basis="consent", consent=consent, reference=f"lone:{n}",
        )  # fmt: skip
    result = release("packets-per-month")
    assert result.cells == () and result.suppressed == 1

    for n in range(K):
        person = UserFactory(email=f"sender{n}@example.com")
        given_consent = record_consent(
            person=person, purpose="share_with_recruiters", granted=True, text="ok"
        )
        record_disclosure(
            person=person, recipient_kind="recruiter", recipient_name="R", data_categories=["CV"],
            basis="consent", consent=given_consent, reference=f"send:{n}",
        )  # fmt: skip
    [cell] = release("packets-per-month").cells
    assert cell.cell == (now.strftime("%Y-%m"),) and cell.people == K + 1
    assert cell.measures == {"packets": 30 + K}


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from("ABCDE"), st.sampled_from("xyz")),
        st.integers(min_value=1, max_value=40),
        max_size=15,
    )
)
def test_s3_3_no_small_cell_appears_and_no_total_reveals_one(counts):
    name = "property-test"
    aggregates.forget(name)
    aggregates.statistic(name, dimensions=("a", "b"), population=name, description="test")(
        lambda: ({"cell": cell, "people": n} for cell, n in counts.items())
    )
    try:
        result = release(name)
    finally:
        aggregates.forget(name)
    shown = {c.cell: c.people for c in result.cells}
    assert all(n >= K for n in shown.values())
    assert shown == {cell: n for cell, n in counts.items() if n >= K}
    assert result.suppressed == sum(1 for n in counts.values() if n < K)
    # Every published number is a released cell or a sum of released cells: subtracting
    # the cells from the total leaves exactly nothing to find.
    assert result.totals["people"] - sum(shown.values()) == 0
    rows = _csv(result)
    numbers = [int(r[2]) for r in rows[1:]]
    assert numbers[:-1] == [shown[(r[0], r[1])] for r in rows[1:-1]]
    assert numbers[-1] == sum(numbers[:-1])


def test_s3_3_statistics_that_are_margins_of_each_other_are_refused(throwaway):
    aggregates.statistic(
        "people-by-a-and-b", dimensions=("a", "b"), population="people", description="t"
    )(list)
    throwaway.append("people-by-a-and-b")
    with pytest.raises(aggregates.StatisticError, match="margin of the other"):
        aggregates.statistic(
            "people-by-a", dimensions=("a",), population="people", description="t"
        )(list)
    # Another population may be counted by the same dimension.
    aggregates.statistic("sends-by-a", dimensions=("a",), population="sends", description="t")(list)
    throwaway.append("sends-by-a")


def test_s3_3_only_a_release_is_written_out():
    with pytest.raises(TypeError):
        aggregates.write_csv([["GB", 3]], io.StringIO())


@pytest.mark.django_db
def test_s3_3_the_command_writes_one_csv_per_statistic(tmp_path):
    out = io.StringIO()
    call_command("export_statistics", out=str(tmp_path), stdout=out)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(f"{s.name}.csv" for s in aggregates.statistics())
    assert "packets-per-month.csv" in files and f"{SEEKERS}.csv" in files
    assert "left out (fewer than 10 people)" in out.getvalue()
    with pytest.raises(Exception, match="Unknown statistics"):
        call_command("export_statistics", out=str(tmp_path), statistic=["nope"])
