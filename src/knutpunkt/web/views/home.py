"""Log in and out, and "Mitt arbete": what the signed-in person should look at today."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView

from knutpunkt.access import policy
from knutpunkt.registry import queries

from .common import render_page


class SwedishAuthenticationForm(AuthenticationForm):
    """The login form in Swedish whatever language the browser asks for."""

    error_messages = {
        "invalid_login": "Fel användarnamn eller lösenord. Tänk på att lösenordet skiljer på stora och små bokstäver.",
        "inactive": "Kontot är inte aktivt. Kontakta systemförvaltningen.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.label_suffix = ""
        self.fields["username"].label = "Användarnamn"
        self.fields["password"].label = "Lösenord"
        for field in self.fields.values():
            field.error_messages["required"] = "Fältet måste fyllas i."
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"})
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})


class StaffLoginView(LoginView):
    template_name = "web/login.html"
    authentication_form = SwedishAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        context["has_errors"] = bool(form is not None and form.is_bound and form.errors)
        return context


@login_required
def my_work(request):
    user = request.user
    open_cases = queries.my_open_cases(user)
    overdue = list(queries.overdue_deadlines(user)[:50])
    upcoming = list(queries.upcoming_deadlines(user)[:50])
    for deadline in overdue + upcoming:
        # What a deadline is about is case content: only for readers who see the case fully.
        deadline.shown_description = deadline.description if policy.case_view(user, deadline.case).full else ""
    context = {
        "nav": "my_work",
        "open_cases": list(open_cases[:50]),
        "open_cases_count": open_cases.count(),
        "overdue": overdue,
        "upcoming": upcoming,
        "recent_documents": list(queries.recently_registered_documents(user, limit=15)),
    }
    return render_page(request, "web/my_work.html", context)
