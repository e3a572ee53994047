"""Commands for scenario replays: synthetic people registered as in a real displacement."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from haven.cli.main import cli, django_command

if TYPE_CHECKING:
    from haven.intake.scenarios.replay import ReplayProgress, ReplaySummary

SCALE = click.FloatRange(0, 10, min_open=True)


@cli.group()
def scenario() -> None:
    """Replay a mass displacement (synthetic people) into the database.

    \b
    Into a fresh database, never one with real people:
      HAVEN_VAR_DIR=var/replay haven migrate
      HAVEN_VAR_DIR=var/replay haven scenario run karabakh-2023 --scale 0.1
    """


@scenario.command("list")
@django_command
def scenario_list() -> None:
    """List the scenarios that can be replayed."""
    from haven.intake.scenarios.model import scenario_load, scenario_names

    for name in scenario_names():
        loaded = scenario_load(name)
        first, last = loaded.tallies[0].date, loaded.tallies[-1].date
        click.echo(f"{name:<20} {loaded.people:>9,} people  {first:%d %b} - {last:%d %b %Y}  "
                   f"{loaded.title}")


@scenario.command("run")
@click.argument("name")
@click.option("--scale", type=SCALE, default=1.0, show_default=True,
              help="Share of the people to replay: each tally is multiplied by it and "
                   "rounded (0.1 replays a tenth).")
@click.option("--seed", type=int, default=None,
              help="Seed of the generator (default: the scenario's); the same seed "
                   "replays the same people.")
@django_command
def scenario_run_command(name: str, scale: float, seed: int | None) -> None:
    """Register the people of scenario NAME day by day, as the clerks would have.

    Households are registered at the border, then arrive at a hub; some people are
    registered a second time at the hub, their names written another way. Which
    registrations are the same person is written to a truth file (path printed at the
    end), never to the database. The database must hold no replayed households yet.
    """
    replay_with_progress(name=name, scale=scale, seed=seed)


def replay_with_progress(*, name: str, scale: float, seed: int | None,
                         clerk_password: str | None = None) -> ReplaySummary:
    """Run the replay with a progress bar; print the summary and the day-by-day table."""
    from haven.intake.scenarios.replay import replay_check, scenario_run
    from haven.intake.scenarios.timeline import scaled

    total = scaled(replay_check(name=name, scale=scale).people, scale)
    with click.progressbar(length=total, label=f"Replaying {name}", show_pos=True,
                           item_show_func=lambda day: day) as bar:
        done = 0

        def progress(step: ReplayProgress) -> None:
            nonlocal done
            bar.update(step.people - done, f"{step.date:%d %b}")
            done = step.people

        summary = scenario_run(name=name, scale=scale, seed=seed, progress=progress,
                               clerk_password=clerk_password)
    _print_summary(summary)
    return summary


def _print_summary(summary: ReplaySummary) -> None:
    share = summary.duplicates / summary.people if summary.people else 0.0
    click.echo(
        f"Replayed {summary.scenario} at scale {summary.scale:g} (seed {summary.seed}) in "
        f"{summary.seconds:.1f} s: {summary.people:,} people in {summary.households:,} "
        f"households; {summary.registrations:,} registrations, of them "
        f"{summary.duplicates:,} second registrations ({share:.1%}); "
        f"{summary.children:,} children."
    )
    hubs = sorted({hub for day in summary.days for hub in day.onward})
    header = (f"{'date':<10}  {'people':>8}  {'tally':>8}  {'registered':>10}  {'again':>6}  "
              f"{'children':>8}" + "".join(f"  {hub:>8}" for hub in hubs))
    click.echo(header)
    click.echo(f"{'':<10}  {'(total)':>8}  {'':>8}  {'(day)':>10}  {'(day)':>6}  "
               f"{'(total)':>8}" + "".join(f"  {'(day)':>8}" for _ in hubs))
    for day in summary.days:
        tally = f"{day.target:,}" if day.target is not None else "-"
        click.echo(f"{day.date.isoformat():<10}  {day.people_cumulative:>8,}  {tally:>8}  "
                   f"{day.registrations:>10,}  {day.duplicates:>6,}  "
                   f"{day.children_cumulative:>8,}"
                   + "".join(f"  {day.onward.get(hub, 0):>8,}" for hub in hubs))
    click.echo(f"Truth file (which registrations are the same person): {summary.truth_path}")
