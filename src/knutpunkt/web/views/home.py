"""The "Mitt arbete" page: what the signed-in person should look at today. (Signing in: signin.py.)"""

from django.contrib.auth.decorators import login_required

from knutpunkt.access import policy
from knutpunkt.registry import queries

from .common import render_page


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
