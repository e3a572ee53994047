"""Scenario replays: synthetic displacements registered through the registry's services.

A scenario is data: ``<name>.toml`` in this folder (tallies, sites, households, names,
needs, double registrations) and the name lists in ``names/``.

    model      scenario_load(name) -> Scenario: read and check the file
    generator  scenario_days(scenario, scale=, seed=): the people of each day, no database
    replay     scenario_run(name=, scale=, seed=) -> ReplaySummary: register them

`people`, `writing`, `names`, `timeline` and `reading` are the generator's and the
loader's parts.
"""
