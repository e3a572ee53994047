"""Local dates in SQL: a day ends at local midnight, also where the clocks change (DST)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from haven.reports.queries import Window, offset_segments
from haven.reports.services import sitrep_build
from haven.testing.factories import actor_for, member

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_the_offsets_of_a_zone_with_summer_time():
    end = dt.datetime(2023, 11, 1, tzinfo=BERLIN)
    window = Window(start=dt.datetime(2023, 10, 1, tzinfo=BERLIN), end=end,
                    date=dt.date(2023, 10, 31), zone=BERLIN, site_ids=None)
    segments = offset_segments(window)
    assert [offset for _until, offset in segments] == [dt.timedelta(hours=2),
                                                       dt.timedelta(hours=1)]
    assert segments[0][0] == dt.datetime(2023, 10, 29, 1, tzinfo=dt.UTC)


def test_yerevan_has_one_offset():
    zone = zoneinfo.ZoneInfo("Asia/Yerevan")
    window = Window(start=dt.datetime(2021, 9, 1, tzinfo=zone),
                    end=dt.datetime(2023, 10, 1, tzinfo=zone), date=dt.date(2023, 9, 30),
                    zone=zone, site_ids=None)
    assert [offset for _u, offset in offset_segments(window)] == [dt.timedelta(hours=4)]


@pytest.mark.django_db
def test_days_follow_the_clock_change(settings, sites, users, make_household):
    settings.TIME_ZONE = "Europe/Berlin"
    # 22:30 UTC on 28 Oct is 00:30 on the 29th in summer time (UTC+2); 23:30 UTC on the
    # 29th is 00:30 on the 30th in winter time (UTC+1).
    make_household(site="goris", arrived_at=dt.datetime(2023, 10, 28, 22, 30, tzinfo=dt.UTC),
                   members=[member(given_name="Anahit")])
    make_household(site="goris", arrived_at=dt.datetime(2023, 10, 29, 23, 30, tzinfo=dt.UTC),
                   members=[member(given_name="Tigran", sex="male")])
    make_household(site="goris", arrived_at=dt.datetime(2023, 10, 29, 22, 30, tzinfo=dt.UTC),
                   members=[member(given_name="Nare")])
    report = sitrep_build(actor=actor_for(users["coordinator"]), date=dt.date(2023, 10, 30))
    assert [(d.date.day, d.new_arrivals) for d in report.days] == [(29, 2), (30, 1)]
