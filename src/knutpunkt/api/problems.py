"""Errors as RFC 9457 problem details (application/problem+json)."""

from rest_framework.views import exception_handler


def problem_exception_handler(exc, context):
    return exception_handler(exc, context)
