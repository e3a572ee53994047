"""Column names as KoboToolbox and ODK Central export Haven's own form, and what they mean.

Exports of the household form (`intake/forms`) name a column by the question's XML name
(`given_name`), by its path with its groups (`members/given_name`, Central's
`household-phone`), or by its label in any of the form's three languages (`Given name`,
`Անուն`, `Имя`, with the group's label before it: `Անդամ/Անուն`). All of these are read
from the form's own rows (`build_xlsform.SURVEY`), so a question renamed there is
renamed here. Kobo's and Central's metadata columns are known too: some are used (the
submission's uuid, its times, the keys joining members to households), the rest ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from haven.intake.forms.build_xlsform import FORM_ID, FORM_TITLE, SURVEY

# Fields a row may give besides the registry's own; folded into them when a row is read.
BIRTH_PRECISION = "birth_date_precision"
BIRTH_MONTH = "birth_month"
BIRTH_YEAR = "birth_year"
STARTED = "@started"  # the form's `start`: when the clerk began (an arrival time)
ENDED = "@ended"
SUBMITTED = "@submitted"  # when the server received the submission
SUBMISSION = "@submission"  # the submission's uuid or instanceID
DEPRECATED = "@deprecated"  # the instanceID an edit replaced
PARENT = "@parent"  # a member row's household: Kobo's _parent_index, Central's PARENT_KEY
INDEX = "@index"  # a household row's own: Kobo's _index
MEMBER_KEY = "@member_key"  # Central's KEY of a member row
POSITION = "@position"  # a member's place in their household, in a form export's rows
PROBLEM = "@problem"  # what is wrong with a form export's row as a whole (no household)
IGNORED = "@ignored"
CHOICE = "@choice:"  # CHOICE + field + "/" + code: one column per choice of a select_multiple

# Questions of the form that are not the registry's fields but fold into them.
FORM_ONLY = {BIRTH_PRECISION, BIRTH_MONTH, BIRTH_YEAR}

# KoboToolbox (formpack with kpi's copy fields) and ODK Collect metadata, and ODK
# Central's. Keys are compared case-folded, as written (underscores kept).
KOBO_METADATA = {
    "start": STARTED, "end": ENDED, "_submission_time": SUBMITTED,
    "_submission__submission_time": SUBMITTED, "_uuid": SUBMISSION,
    "_submission__uuid": SUBMISSION, "meta/instanceid": SUBMISSION,
    "meta/deprecatedid": DEPRECATED, "_index": INDEX, "_parent_index": PARENT,
    **dict.fromkeys((
        "_id", "_validation_status", "_notes", "_status", "_submitted_by", "__version__",
        "_version_", "_tags", "_attachments", "_geolocation", "_xform_id_string",
        "_parent_table_name", "_submission__id", "_submission__validation_status",
        "_submission__notes", "_submission__status", "_submission__submitted_by",
        "_submission___version__", "_submission__tags", "formhub/uuid", "meta/instancename",
        "meta/rootuuid", "today", "deviceid", "username", "phonenumber", "_duration",
        "_xform_id", "_media_count", "_total_media", "_media_all_received"), IGNORED),
}
CENTRAL_METADATA = {
    "submissiondate": SUBMITTED, "key": SUBMISSION, "parent_key": PARENT,
    "meta-instanceid": SUBMISSION, "instanceid": SUBMISSION,
    "meta-deprecatedid": DEPRECATED, "deprecatedid": DEPRECATED,
    **dict.fromkeys((
        "submitterid", "submittername", "attachmentspresent", "attachmentsexpected",
        "status", "reviewstate", "deviceid", "edits", "formversion", "meta-instancename",
        "instancename", "meta-audit", "meta-rootuuid"), IGNORED),
}
# The metadata columns that mark a file as an export of a form, and whose.
KOBO_MARKS = frozenset({"_uuid", "_submission_time", "_index", "_parent_index",
                        "_submission__uuid", "_parent_table_name", "__version__"})
CENTRAL_MARKS = frozenset({"submissiondate", "parent_key", "submitterid", "reviewstate",
                           "attachmentsexpected", "formversion"})
MEMBERS_SHEET = "members"  # the repeat's name: Kobo's sheet, Central's members file


def metadata_key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class Question:
    name: str
    kind: str  # the XLSForm type's first word: text, select_one, note, begin group, ...
    group: str  # the name of the group or repeat it is in, or ''
    labels: tuple[str, ...]  # English, Armenian, Russian


@cache
def form_questions() -> dict[str, Question]:
    """Return the form's questions, groups and repeats by name, in the form's order."""
    questions: dict[str, Question] = {}
    group = ""
    for row in SURVEY:
        kind, name = row["type"], row["name"]
        if kind in ("end group", "end repeat"):
            group = ""
            continue
        labels = tuple(row.get("label", ()))
        container = kind in ("begin group", "begin repeat")
        questions[name] = Question(name=name, kind=kind if container else kind.split()[0],
                                   group="" if container else group, labels=labels)
        if container:
            group = name
    return questions


@cache
def group_prefixes() -> frozenset[str]:
    """Return the groups' names and labels, as the first part of an exported column name."""
    containers = [q for q in form_questions().values() if q.kind.startswith("begin")]
    return frozenset({q.name for q in containers} | {label for q in containers
                                                     for label in q.labels})


def form_title() -> str:
    return FORM_TITLE


def form_id() -> str:
    return FORM_ID
