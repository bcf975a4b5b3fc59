from django_tasks import task

from knutpunkt.core import clock
from knutpunkt.registry.models import Case, Document

from . import services


@task()
def publish_object(kind: str, object_id: str) -> str:
    """Publish one case or document once the authority's delay has passed. Run early
    (a clock moved, a backend that ignored run_after), it schedules itself again."""
    model = Document if kind == "document" else Case
    obj = model.objects.filter(pk=object_id).first()
    if obj is None:
        return "missing"
    outcome = services.project(obj, now=clock.now())
    if outcome.waiting:
        services.schedule(obj, outcome.due)
    return outcome.state
