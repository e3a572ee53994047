"""Soak, short form: a few clerks and phones with backlogs and duplicates, for seconds.

Nothing answered 201 is lost, no form is stored twice, no answer is a server error. The
full form (100 clerks, 500 phones, 10 minutes) is `.venv/bin/python bench/faults/soak.py`;
its figures are in docs/reliability.md. No figure of speed is asserted here.
"""

from __future__ import annotations

import os

import pytest
from bench.faults.soak import soak


@pytest.mark.skipif(bool(os.environ.get("HAVEN_DATABASE_URL")),
                    reason="the soak serves a throw-away SQLite installation")
def test_clerks_and_phones_resending_backlogs_lose_nothing_and_double_nothing():
    outcome = soak(clerks=3, devices=6, seconds=15, clerk_pause=0.5, device_pause=2,
                   backlog=3, workers=2)
    assert outcome.problems == []
    figures = outcome.figures
    assert figures["api_acknowledged"] > 0
    assert figures["odk_acknowledged"] > 0
    assert figures["lost"] == figures["doubled"] == 0
    # A request whose answer never came may be stored: between acknowledged and sent.
    assert figures["odk_acknowledged"] <= figures["odk_stored"]
    assert figures["api_acknowledged"] <= figures["api_stored"] <= figures["api_sent"]
