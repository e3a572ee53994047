"""Linkage runs, match candidates (the review queue), reviewers' decisions and merges.

A match candidate is one pair of person records, stored once: `left` is the record
whose id sorts first, and a unique constraint makes a second ticket for the same pair
impossible whatever the order the engine or a reviewer names them in. Decisions are
rows of their own, kept forever; a merge row says what was merged into what, so an
unmerge puts back exactly what the merge changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from haven.registry.models import Person


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RunKind(models.TextChoices):
    FULL = "full", _("Whole registry")
    INCREMENTAL = "incremental", _("New records only")


class LinkageRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=RunKind.choices, default=RunKind.FULL)
    engine = models.CharField(max_length=10)
    upper = models.FloatField()
    lower = models.FloatField()
    # An incremental run links records created at or after this moment.
    since = models.DateTimeField(null=True, blank=True)
    # The trained Splink model (settings with m/u probabilities): an incremental run
    # scores new records with the model of the last full run instead of retraining.
    model = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices,
                              default=RunStatus.RUNNING)
    error = models.TextField(blank=True)
    records = models.PositiveIntegerField(default=0)
    pairs_linked = models.PositiveIntegerField(default=0)  # scored at or above `upper`
    clusters = models.PositiveIntegerField(default=0)  # clusters of two records or more
    auto_merged = models.PositiveIntegerField(default=0)  # records merged by this run
    queued = models.PositiveIntegerField(default=0)  # tickets opened or reopened
    closed = models.PositiveIntegerField(default=0)  # tickets closed as moot
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} run {self.pk} ({self.status})"


class MatchState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    CONFIRMED = "confirmed", _("Same person")
    REJECTED = "rejected", _("Different people")
    SKIPPED = "skipped", _("Skipped")
    MOOT = "moot", _("Closed: no longer a question")


OPEN_STATES = (MatchState.PENDING, MatchState.SKIPPED)
DECIDED_STATES = (MatchState.CONFIRMED, MatchState.REJECTED)


class MatchCandidate(models.Model):
    left = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField(default=0)
    # Per comparison: the level's label ("exact key match", "year ±1") and its Bayes
    # factor, as the engine scored the pair; the review page explains the score with them.
    levels = models.JSONField(default=dict)
    bayes_factors = models.JSONField(default=dict)
    # Why a reviewer is asked (haven.linkage.contradictions): "score_uncertain" (between
    # the thresholds), or the contradiction that kept a likely pair apart, prefixed
    # "cluster_" (contradictions.REASONS: "given_names_differ", "birth_years_far_apart",
    # "birth_dates_differ", "sex_differs", "documents_differ").
    reason = models.CharField(max_length=40, blank=True, default="")
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, null=True, blank=True,
                            related_name="+")  # the run that last scored the pair
    state = models.CharField(max_length=10, choices=MatchState.choices,
                             default=MatchState.PENDING)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="one_candidate_per_pair"),
            models.CheckConstraint(condition=Q(left__lt=F("right")),
                                   name="candidate_pair_in_canonical_order"),
        ]
        indexes = [models.Index(fields=["state", "probability"]),
                   models.Index(fields=["right"])]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.state})"


class MatchDecision(models.Model):
    """One reviewer's decision on a candidate: kept forever, even when a later one follows."""

    candidate = models.ForeignKey(MatchCandidate, on_delete=models.PROTECT,
                                  related_name="decisions")
    decision = models.CharField(max_length=10, choices=MatchState.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.decision} {self.candidate_id}"


class PersonMerge(models.Model):
    """`person` (a cluster's representative) was merged into `into`.

    `repointed` lists the records that had been merged into `person` and were moved to
    `into` with it, so an unmerge moves exactly those back.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    into = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    repointed = models.JSONField(default=list)  # ids (str) of records moved along
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, null=True, blank=True,
                            related_name="+")
    candidate = models.ForeignKey(MatchCandidate, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    merged_at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["merged_at", "id"]
        indexes = [models.Index(fields=["person", "undone_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} -> {self.into_id}"
