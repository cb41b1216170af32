from __future__ import annotations

import io

import pytest

from communications import demo
from communications.models import Announcement

pytestmark = pytest.mark.django_db


def test_demo_data_leaves_one_draft_announcement_for_staff(seeker, staff):
    for _ in range(2):
        demo.load(seeker=seeker, staff=staff, stdout=io.StringIO())
    announcement = Announcement.objects.get()
    assert announcement.state == "draft" and announcement.created_by == staff
