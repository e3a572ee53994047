"""Domain errors, mapped to HTTP, form errors and CLI messages once per adapter.

    HavenError                    a rule of the domain refused the request
    ├── ValidationFailed          input is wrong; carries {field: [messages]}     -> 422
    ├── NotFound                  absent, or not visible to this user             -> 404
    ├── PermissionDenied          the role may not do this at all                 -> 403
    └── Conflict                  the request clashes with stored state           -> 409

`NotFound` is also what a user gets for a record that exists at a site they may not
see: telling "exists elsewhere" from "does not exist" would leak who is registered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class HavenError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(HavenError):  # noqa: N818 - the names of the hierarchy above
    status = 422
    code = "validation_failed"

    def __init__(self, errors: Mapping[str, Sequence[str]], message: str = "") -> None:
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in errors.items()}
        first = next(iter(self.errors.items()), ("", [""]))
        super().__init__(message or f"{first[0]}: {first[1][0]}")

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})


class NotFound(HavenError):  # noqa: N818 - the names of the hierarchy above
    status = 404
    code = "not_found"


class PermissionDenied(HavenError):  # noqa: N818 - the names of the hierarchy above
    status = 403
    code = "permission_denied"


class Conflict(HavenError):  # noqa: N818 - the names of the hierarchy above
    """The request clashes with stored state; `reason` names the clash for programs.

    `reason` and `details` (figures such as beds needed and free) go into the JSON answer
    beside the message: `{"error": "conflict", "message": …, "reason": "no_room", …}`.
    """

    status = 409
    code = "conflict"

    def __init__(self, message: str, *, reason: str = "",
                 details: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.details: dict[str, object] = dict(details or {})


class InputProblem(ValueError):  # noqa: N818 - a problem with the input, not a program error
    """One field's value is wrong: a message template and its values, translatable later.

    Pure modules (names, dates, phones) raise it without Django; the adapter that shows
    it translates `template` (marked for extraction with a no-op `gettext_noop`) and
    fills in `params`. `str()` gives the English text.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.template % self.params if self.params else self.template

    @property
    def message(self) -> str:
        return str(self)


def gettext_noop(message: str) -> str:
    """Mark `message` for the translation catalogs (makemessages looks for this name)."""
    return message
