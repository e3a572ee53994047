"""What Haven keeps of PFIF exchange: which registry person each PFIF record became, and notes.

The person itself lives in the registry (imported through household_register); these
tables hold what the registry has no place for: the PFIF record id (`<domain>/<id>`),
the names in other scripts, the source, and the notes other systems wrote about the
person. The record ids are unique, which is what makes a second import of one file add
nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

RECORD_ID_LENGTH = 500


class PersonRecord(models.Model):
    """A PFIF person record imported into the registry as `person`."""

    record_id = models.CharField(max_length=RECORD_ID_LENGTH, unique=True)
    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT,
                                  related_name="pfif_record")
    full_name = models.TextField(blank=True)  # one name per line
    alternate_names = models.TextField(blank=True)  # one name per line: other scripts
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    source_date = models.DateTimeField(null=True, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    age = models.CharField(max_length=10, blank=True)
    home_city = models.CharField(max_length=200, blank=True)
    home_state = models.CharField(max_length=200, blank=True)
    home_country = models.CharField(max_length=10, blank=True)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    def __str__(self) -> str:
        return self.record_id


class Note(models.Model):
    """A PFIF note, about the person named by `person_record_id` (theirs or Haven's)."""

    record_id = models.CharField(max_length=RECORD_ID_LENGTH, unique=True)
    # A string, not a key: a top-level note may arrive before (or without) its person.
    person_record_id = models.CharField(max_length=RECORD_ID_LENGTH, db_index=True)
    linked_person_record_id = models.CharField(max_length=RECORD_ID_LENGTH, blank=True)
    status = models.CharField(max_length=30, blank=True)
    author_made_contact = models.BooleanField(null=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_email = models.CharField(max_length=200, blank=True)
    author_phone = models.CharField(max_length=50, blank=True)
    source_date = models.DateTimeField(null=True, blank=True)
    entry_date = models.DateTimeField(null=True, blank=True)
    email_of_found_person = models.CharField(max_length=200, blank=True)
    phone_of_found_person = models.CharField(max_length=50, blank=True)
    last_known_location = models.TextField(blank=True)
    text = models.TextField(blank=True)
    photo_url = models.CharField(max_length=500, blank=True)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["source_date", "id"]

    def __str__(self) -> str:
        return self.record_id
