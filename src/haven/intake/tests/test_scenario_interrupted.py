"""A replay interrupted half-way leaves nothing behind, and runs again whole.

Found by bench/faults/crash.py: a replay killed after its first batches left replayed
households, and every later `haven scenario run` refused the database as "already
replayed". tests/faults/test_crash.py kills real processes; this is the same rule in-process.
"""

from __future__ import annotations

import pytest

from haven.intake.scenarios import replay
from haven.registry.models import Household
from haven.registry.vocabulary import Channel

pytestmark = pytest.mark.django_db(transaction=True)
SCALE = 0.002


def test_a_replay_that_fails_half_way_stores_nothing_and_then_replays(tmp_path, monkeypatch):
    def power_cut(self, *args, **kwargs):
        assert Household.objects.filter(channel=Channel.SCENARIO).exists()  # half-way
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(replay._Replay, "_register_again", power_cut)
        with pytest.raises(KeyboardInterrupt):
            replay.scenario_run(name="karabakh-2023", scale=SCALE, truth_dir=tmp_path)
    assert not Household.objects.filter(channel=Channel.SCENARIO).exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "karabakh-2023-truth.csv.partial"]

    summary = replay.scenario_run(name="karabakh-2023", scale=SCALE, truth_dir=tmp_path)
    assert Household.objects.filter(channel=Channel.SCENARIO).count() == summary.households
    truth = summary.truth_path.read_text(encoding="utf-8").splitlines()
    assert len(truth) == 1 + summary.registrations
