"""Shared by the staff views: rendering with the error flag, turning the registry's
NotFound into a 404 page, and safe redirects back."""

import functools

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from knutpunkt.core.errors import NotFound, PermissionDenied


def has_form_errors(context: dict) -> bool:
    def bad(value):
        return isinstance(value, forms.BaseForm) and value.is_bound and bool(value.errors)

    return any(bad(v) or (isinstance(v, dict) and any(bad(x) for x in v.values())) for v in context.values())


def render_page(request, template: str, context: dict, *, status: int = 200):
    """render() that also tells the layout whether the page shows form errors (the
    <title> then starts with "Fel:", as screen reader users hear the title first)."""
    context.setdefault("has_errors", has_form_errors(context))
    return render(request, template, context, status=status)


def registry_errors_as_http(view):
    """A hidden or missing object is a 404 (never a 403: that would reveal that it
    exists); a refused action on a visible one is a 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404("Sidan finns inte.") from None
        except PermissionDenied as err:
            raise DjangoPermissionDenied(err.message) from None

    return wrapper


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback
