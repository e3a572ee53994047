"""What arrives from outside (ODK submissions, imported rows), keyed so each is stored once."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Submission(models.Model):
    """One record received from a field tool or a file, and the household it became.

    `(source, key)` is unique: an ODK instanceID, or an imported row's source key. A
    resend with the same `digest` is acknowledged and stores nothing; a different
    content under the same key is a conflict. An edit (ODK's deprecatedID) points the
    old submission at its replacement, so history is kept.
    """

    source = models.CharField(max_length=40)  # "odk:<form id>", "import"
    key = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)  # SHA-256 of the content as received
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="submissions")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="submissions")
    received_at = models.DateTimeField()
    # Nothing looks submissions up by who received them or what replaced them; an index
    # on either would be paid on each of a million imported rows.
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", db_index=False)
    replaced_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replaces", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"],
                                               name="one_submission_per_key")]

    def __str__(self) -> str:
        return f"{self.source}:{self.key}"


class ImportJob(models.Model):
    """A file being imported: its progress for the progress bar, and its report."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        VALIDATING = "validating"
        IMPORTING = "importing"
        DONE = "done"
        FAILED = "failed"

    file_name = models.CharField(max_length=255)
    file_digest = models.CharField(max_length=64)
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_stored = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)  # already imported before
    rows_refused = models.PositiveIntegerField(default=0)
    report = models.TextField(blank=True)  # CSV: row, column, problem
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
