"""A small searchable world shared by the staff search tests of the web page and the
API: three "detaljplan" cases in two diaries (one closed), with documents of two
directions, indexed as the worker would."""

from knutpunkt.organisations.models import Role, RoleAssignment
from knutpunkt.registry import outbox, services
from knutpunkt.registry.models import Document
from tests.factories import DiaryFactory


def dispatch() -> None:
    """Index what was registered (the test transaction never commits, so on_commit
    tasks do not run by themselves)."""
    while outbox.dispatch_pending():
        pass


def detaljplan_world(diary, registrator) -> dict:
    other = DiaryFactory(prefix="BN", authority=diary.authority)
    RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, diary=other)
    old = services.register_case(diary, actor=registrator, title="Detaljplan för norra hamnen", description="Planarbete, nämner detaljplan en gång")
    services.register_document(actor=registrator, case=old, direction=Document.Direction.INCOMING, title="Yttrande över detaljplan")
    closed = services.register_case(diary, actor=registrator, title="Detaljplan detaljplan: södra kajen")
    services.close_case(closed, actor=registrator)
    elsewhere = services.register_case(other, actor=registrator, title="Bygglov inom detaljplan")
    services.register_document(actor=registrator, case=elsewhere, direction=Document.Direction.OUTGOING, title="Beslut")
    dispatch()
    return {"old": old, "closed": closed, "elsewhere": elsewhere, "other": other}
