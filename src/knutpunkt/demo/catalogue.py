"""Finding the process, case type and document type in the classification structure
that fit a demo case, by words in their titles. The structure is another part of the
product (classification.services.load_demo_structure); the demo does not assume its
codes, only that its titles speak Swedish."""

from __future__ import annotations

from knutpunkt.classification.models import CaseType, Class, ClassificationScheme, DocumentType

# When no process title matches a case's own words: words for the authority's field.
AUTHORITY_FALLBACK = {
    "KF": ["sammanträden", "motioner"],
    "KS": ["styrdokument", "samverka"],
    "BN": ["lov och förhandsbesked"],
    "MN": ["miljöfarlig", "hälsoskydd"],
    "SN": ["bistånd till äldre", "lex sarah"],
    "TN": ["gator och vägar", "trafik", "vatten"],
}


class Catalogue:
    def __init__(self, scheme: ClassificationScheme):
        self.scheme = scheme
        self.processes = list(Class.objects.filter(scheme=scheme, level=Class.Level.PROCESS).order_by("code"))
        self.case_types: dict[int, list[CaseType]] = {}
        for ct in CaseType.objects.filter(process__scheme=scheme, active=True).order_by("code"):
            self.case_types.setdefault(ct.process_id, []).append(ct)
        self.document_types: dict[int, list[DocumentType]] = {}
        for dt in DocumentType.objects.filter(process__scheme=scheme, active=True).order_by("code"):
            self.document_types.setdefault(dt.process_id, []).append(dt)
        self._process_cache: dict[tuple, Class | None] = {}
        self._doc_type_cache: dict[tuple, DocumentType | None] = {}
        self.lookups = 0
        self.matched = 0

    @staticmethod
    def _find(items, keywords, text=lambda item: item.title):
        for word in keywords:
            word = word.lower()
            for item in items:
                if word in text(item).lower():
                    return item
        return None

    def process(self, keywords: list[str], authority_code: str) -> Class | None:
        key = (tuple(keywords), authority_code)
        if key not in self._process_cache:
            found = self._find(self.processes, keywords)
            if found is None:
                found = self._find(self.processes, AUTHORITY_FALLBACK.get(authority_code, []))
            self._process_cache[key] = found
        self.lookups += 1
        if self._process_cache[key] is not None:
            self.matched += 1
        return self._process_cache[key]

    def case_type(self, process: Class | None, keywords: list[str]) -> CaseType | None:
        if process is None:
            return None
        candidates = self.case_types.get(process.pk, [])
        return self._find(candidates, keywords) or (candidates[0] if len(candidates) == 1 else None)

    def document_type(self, process: Class | None, keywords: list[str]) -> DocumentType | None:
        if process is None:
            return None
        key = (process.pk, tuple(keywords))
        if key not in self._doc_type_cache:
            candidates = [d for d in self.document_types.get(process.pk, []) if d.registration == DocumentType.Registration.DIARIEFORS]
            self._doc_type_cache[key] = self._find(candidates or self.document_types.get(process.pk, []), keywords)
        return self._doc_type_cache[key]
