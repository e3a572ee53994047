"""The clock seam: aware UTC time, frozen for tests and scenario replays."""

import datetime as dt

import pytest

from haven.core import clock


def test_now_is_aware_utc():
    """Haven never handles naive datetimes."""
    assert clock.now().tzinfo is dt.UTC


def test_frozen_at_sets_now_and_today_and_restores_them():
    """Inside the block the time stands still; nested blocks unwind in order."""
    first = dt.datetime(2023, 9, 24, 9, 0, tzinfo=dt.UTC)
    second = dt.datetime(2023, 9, 29, 23, 30, tzinfo=dt.UTC)
    with clock.frozen_at(first):
        assert clock.now() == first
        with clock.frozen_at(second):
            assert (clock.now(), clock.today()) == (second, dt.date(2023, 9, 29))
        assert clock.now() == first
    assert clock.now() > second


def test_frozen_at_refuses_a_naive_datetime():
    """A naive time would be read differently by each reader."""
    with pytest.raises(ValueError, match="aware"), clock.frozen_at(dt.datetime(2023, 9, 24)):  # noqa: DTZ001
        pass
