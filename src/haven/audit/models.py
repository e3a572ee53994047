"""The append-only audit log: who touched which record, when, from where. Never the values."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGIN_ADDRESS_LOCKED = ("login.address_locked",
                            _("Refused a login: too many failures from the address"))
    LOGOUT = "logout", _("Logged out")
    HOUSEHOLD_CREATE = "household.create", _("Registered a household")
    HOUSEHOLD_UPDATE = "household.update", _("Changed a household")
    HOUSEHOLD_VIEW = "household.view", _("Viewed a household")
    HOUSEHOLD_LIST = "household.list", _("Listed households")
    PERSON_UPDATE = "person.update", _("Changed a person")
    PERSON_VIEW = "person.view", _("Viewed a person")
    PERSON_LIST = "person.list", _("Listed persons")
    PERSON_MERGE = "person.merge", _("Merged records of one person")
    PERSON_UNMERGE = "person.unmerge", _("Undid a merge of records")
    MATCH_DECIDE = "match.decide", _("Decided whether two records are one person")
    LINKAGE_RUN = "linkage.run", _("Ran record linkage")
    ARRIVAL_CREATE = "arrival.create", _("Recorded an arrival")
    ARRIVAL_LIST = "arrival.list", _("Listed arrivals")
    SITE_CREATE = "site.create", _("Created a site")
    SITE_UPDATE = "site.update", _("Changed a site")
    USER_CREATE = "user.create", _("Created a user")
    TOKEN_CREATE = "token.create", _("Issued an API token")
    AUDIT_VIEW = "audit.view", _("Read the audit log")
    AID_DONOR_CREATE = "aid.donor.create", _("Added a donor")
    AID_RATE_SET = "aid.rate.set", _("Set an exchange rate")
    AID_CONTRIBUTION_CREATE = "aid.contribution.create", _("Recorded a contribution")
    AID_CONTRIBUTION_STATUS = "aid.contribution.status", _("Moved a contribution on")
    AID_DELIVERY_CREATE = "aid.delivery.create", _("Recorded a delivery")
    AID_DISTRIBUTION_CREATE = "aid.distribution.create", _("Recorded a hand-out of aid")
    AID_DISTRIBUTION_LIST = "aid.distribution.list", _("Read hand-outs of aid")
    DOCUMENTATION_ATTACHMENT_ADD = "documentation.file.add", _("Added a file")
    DOCUMENTATION_ATTACHMENT_VIEW = "documentation.file.view", _("Opened a file")
    DOCUMENTATION_HOME_ADD = "documentation.home.add", _("Recorded a home of origin")
    DOCUMENTATION_HOME_REPORT = "documentation.home.report", _("Reported on a home of origin")
    DOCUMENTATION_HOME_VIEW = "documentation.home.view", _("Read homes of origin")
    DOCUMENTATION_HERITAGE_ADD = "documentation.heritage.add", _("Added a heritage site")
    DOCUMENTATION_HERITAGE_OBSERVE = ("documentation.heritage.observe",
                                      _("Recorded the condition of a heritage site"))
    DOCUMENTATION_HERITAGE_VIEW = "documentation.heritage.view", _("Read a heritage site")
    TESTIMONY_RECORD = "testimony.record", _("Recorded a testimony")
    TESTIMONY_LIST = "testimony.list", _("Listed testimonies")
    TESTIMONY_VIEW = "testimony.view", _("Read a testimony")
    TESTIMONY_WITHDRAW = "testimony.withdraw", _("Recorded the withdrawal of a testimony")
    EVIDENCE_EXPORT = "evidence.export", _("Exported evidence")
    EVIDENCE_MANIFEST = "evidence.manifest", _("Sealed an evidence export's manifest")
    # PFIF exchange with other family-links systems (haven.tracing.pfif_exchange)
    PFIF_IMPORT = "pfif.import", _("Imported persons and notes from a PFIF file")
    PFIF_EXPORT = "pfif.export", _("Exported persons and notes as a PFIF file")
    # Administration (haven.accounts): users, credentials, devices; the audit export.
    USER_UPDATE = "user.update", _("Changed a user's role or sites")
    USER_DEACTIVATE = "user.deactivate", _("Deactivated a user")
    USER_REACTIVATE = "user.reactivate", _("Reactivated a user")
    USER_PASSWORD_RESET = "user.password_reset", _("Reset a user's password")
    USER_PASSWORD_CHANGE = "user.password_change", _("Changed their own password")
    USER_UNLOCK = "user.unlock", _("Unlocked a locked account")
    USER_SIGN_OUT = "user.sign_out", _("Ended a user's sessions and revoked their tokens")
    TOKEN_REVOKE = "token.revoke", _("Revoked an API token")
    DEVICE_CREATE = "device.create", _("Issued device credentials")
    DEVICE_REVOKE = "device.revoke", _("Revoked device credentials")
    AUDIT_EXPORT = "audit.export", _("Exported the audit log")
    FIELD_KEYS_ROTATE = "keys.rotate", _("Re-encrypted stored details under a new key")
    REFERRAL_CREATE = "referral.create", _("Referred a person")
    REFERRAL_UPDATE = "referral.update", _("Answered or followed up a referral")
    REFERRAL_VIEW = "referral.view", _("Viewed a referral")
    REFERRAL_LIST = "referral.list", _("Listed referrals")
    INCIDENT_CREATE = "incident.create", _("Recorded an incident")
    CASUALTY_CREATE = "casualty.create", _("Recorded a casualty")
    CASUALTY_UPDATE = "casualty.update", _("Changed or identified a casualty")
    CASUALTY_VIEW = "casualty.view", _("Viewed a casualty")
    CASUALTY_LIST = "casualty.list", _("Listed casualties")
    LEFT_BEHIND_CREATE = "left_behind.create", _("Registered a person left behind")
    LEFT_BEHIND_UPDATE = "left_behind.update", _("Checked on or transferred a person left behind")
    LEFT_BEHIND_VIEW = "left_behind.view", _("Viewed a person left behind")
    LEFT_BEHIND_LIST = "left_behind.list", _("Listed people left behind")
    # Reception (haven.reception)
    UNIT_CREATE = "unit.create", _("Added a shelter unit")
    UNIT_UPDATE = "unit.update", _("Changed a shelter unit")
    PLACEMENT_CREATE = "placement.create", _("Placed a household")
    PLACEMENT_REFUSE = "placement.refuse", _("Was refused a placement: no room")
    PLACEMENT_CHECK_IN = "placement.check_in", _("Checked people in to a shelter")
    PLACEMENT_TRANSFER = "placement.transfer", _("Transferred people to another shelter")
    PLACEMENT_CHECK_OUT = "placement.check_out", _("Checked people out of a shelter")
    PLACEMENT_VIEW = "placement.view", _("Viewed a placement")
    PLACEMENT_LIST = "placement.list", _("Listed placements")
    WAITING_ADD = "waiting.add", _("Put a household on the waiting list")
    WAITING_CANCEL = "waiting.cancel", _("Took a household off the waiting list")
    WAITING_LIST = "waiting.list", _("Read the waiting list")
    CARD_PRESENTED = "card.presented", _("Looked up a household by the code on its card")
    CARD_PRINT = "card.print", _("Printed household cards")
    VEHICLE_CREATE = "vehicle.create", _("Added a vehicle")
    RUN_CREATE = "run.create", _("Planned a transport run")
    RUN_UPDATE = "run.update", _("Changed a transport run's manifest or status")
    RUN_ARRIVE = "run.arrive", _("Recorded the arrival of a transport run")
    RUN_VIEW = "run.view", _("Viewed a transport run")
    RUN_LIST = "run.list", _("Listed transport runs")
    NO_SHOW_LIST = "no_show.list", _("Listed passengers who did not arrive")
    READ_DENIED = "read.denied", _("Was refused a page or record")
    # Imports (haven.intake): a job's page, and its report of refused rows.
    IMPORT_JOB_VIEW = "import.view", _("Viewed an import")
    IMPORT_REPORT_DOWNLOAD = "import.report", _("Downloaded an import's report")
    PERSON_EXPORT = "person.export", _("Exported a person's full record for them")
    PERSON_ERASE = "person.erase", _("Erased a person's record")
    RETENTION_RUN = "retention.run", _("Deleted data past its retention period")
    OTP_ENROL = "otp.enrol", _("Set up two-factor authentication")
    OTP_VERIFY_FAILED = "otp.failed", _("Entered a wrong two-factor code")
    OTP_RESET = "otp.reset", _("Reset a user's two-factor authentication")
    TRACING_REQUEST_CREATE = "tracing.create", _("Opened a tracing request")
    TRACING_REQUEST_VIEW = "tracing.view", _("Viewed a tracing request")
    TRACING_REQUEST_UPDATE = "tracing.update", _("Changed a tracing request's status")
    TRACING_SEARCH = "tracing.search", _("Searched the registry for a tracing request")
    TRACING_ALERT_DECIDE = "tracing.alert", _("Decided on a tracing match")
    TRACING_REUNIFY = "tracing.reunify", _("Recorded a reunification")
    CHILD_CASE_UPDATE = "tracing.child", _("Closed an unaccompanied child's case")
    SAFE_AND_WELL_CONSENT = "tracing.sw_consent", _("Recorded consent to tell the family")
    SAFE_AND_WELL_LOOKUP = "tracing.sw_lookup", _("Answered a safe-and-well question")


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Denied")


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    # PROTECT: users are deactivated, never deleted, so their trail stays whole.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=20, blank=True)
    site = models.CharField(max_length=40, blank=True)
    # An AuditAction's value. Not declared as the field's choices: every app adds actions of
    # its own, and a new action should not need a migration of this table.
    action = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)
    target_type = models.CharField(max_length=20, blank=True)
    target_count = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=10, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    # SHA-256 of the previous event's hash and this event's values (haven.audit.chain).
    chain_hash = models.CharField(max_length=64, default="", editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    @property
    def action_label(self) -> str:
        """Return what the action is called in the reader's language (its code if unknown)."""
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action


class AuditTarget(models.Model):
    """One record an event touched: a list read of fifty persons writes fifty of these."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="targets")
    target_id = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["target_id"])]

    def __str__(self) -> str:
        return self.target_id
