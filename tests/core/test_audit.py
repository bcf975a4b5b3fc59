import pytest

from knutpunkt.core import audit
from knutpunkt.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _three(user=None):
    for i in range(3):
        audit.log("case.read", actor=user, details={"n": i})


def test_chain_intact():
    _three()
    assert audit.verify_chain() == []
    assert list(AuditEntry.objects.values_list("sequence", flat=True)) == [1, 2, 3]


def test_altered_entry_detected():
    _three()
    AuditEntry.objects.filter(sequence=2).update(details={"n": 99})
    problems = audit.verify_chain()
    assert [p.sequence for p in problems] == [2]


def test_removed_entry_detected():
    _three()
    AuditEntry.objects.filter(sequence=2).delete()
    assert audit.verify_chain()


def test_removed_last_entry_detected():
    _three()
    AuditEntry.objects.filter(sequence=3).delete()
    assert audit.verify_chain()


def test_reordered_entries_detected():
    _three()
    a, b = AuditEntry.objects.get(sequence=1), AuditEntry.objects.get(sequence=2)
    AuditEntry.objects.filter(pk=a.pk).update(sequence=1000)
    AuditEntry.objects.filter(pk=b.pk).update(sequence=1)
    AuditEntry.objects.filter(pk=a.pk).update(sequence=2)
    assert audit.verify_chain()
