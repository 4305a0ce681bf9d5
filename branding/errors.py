"""The domain error every service raises; each door (API, portal, admin) turns it into a
clear message. Apps subclass it so callers can tell whose rule was broken."""


class DomainError(Exception):
    """A business rule refused the request.

    ``field`` names the input at fault (for a 400 naming the field); ``status`` is the
    HTTP status the API answers with (400 bad input, 403 not allowed, 404 not found,
    409 conflict with the current state).
    """

    status = 400
    code = "invalid"

    def __init__(self, message, *, field=None, code=None, status=None):
        super().__init__(message)
        self.message = str(message)
        self.field = field
        if code:
            self.code = code
        if status:
            self.status = status

    def as_dict(self):
        body = {"detail": self.message, "code": self.code}
        if self.field:
            body["field"] = self.field
            body["errors"] = {self.field: [self.message]}
        return body


class ConflictError(DomainError):
    status = 409
    code = "conflict"


class NotAllowedError(DomainError):
    status = 403
    code = "not_allowed"


class FeatureDisabledError(NotAllowedError):
    code = "feature_disabled"
