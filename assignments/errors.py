"""Why an assignment cannot be made: a field that is wrong, or a scope the person lacks."""


class AssignmentError(Exception):
    """Something about an assignment is not acceptable; `field` names the form field it is
    about (None when it is about the whole assignment), `message` says it in plain words."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class AssignmentRefused(AssignmentError):
    """The person may not assign this to that audience (see assignments.scope)."""

    def __init__(self, message: str):
        super().__init__(message, None)
