"""Errors a service raises when a rule says no.

Each carries a Swedish message for people, a stable code for machines and, where it
concerns one input, the field. The web shows the message; the API turns it into an
RFC 9457 problem document.
"""


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})


class RuleViolation(DomainError):
    """Input that breaks a business or legal rule (422 in the API)."""

    code = "rule_violation"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409
