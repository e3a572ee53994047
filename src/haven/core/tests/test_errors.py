"""Domain errors carry what each adapter needs: a status, a code, a message, fields."""

from haven.core.errors import Conflict, HavenError, NotFound, PermissionDenied, ValidationFailed


def test_validation_failed_names_its_first_field_in_the_message():
    """The one-line message is "field: first problem"; every field keeps its list."""
    error = ValidationFailed({"members[1].birth_date": ("is in the future",),
                              "site": ["unknown site 'x'"]})
    assert error.message == "members[1].birth_date: is in the future"
    assert error.errors == {"members[1].birth_date": ["is in the future"],
                            "site": ["unknown site 'x'"]}
    assert ValidationFailed.single("site", "is required").errors == {"site": ["is required"]}


def test_each_error_maps_to_one_http_status():
    """422, 404, 403 and 409, all HavenErrors."""
    statuses = {cls: (cls.status, cls.code) for cls in (ValidationFailed, NotFound,
                                                       PermissionDenied, Conflict)}
    assert statuses == {ValidationFailed: (422, "validation_failed"),
                        NotFound: (404, "not_found"),
                        PermissionDenied: (403, "permission_denied"),
                        Conflict: (409, "conflict")}
    assert all(issubclass(cls, HavenError) for cls in statuses)
