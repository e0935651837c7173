"""Fill ``LegalDocument.search_key`` for the documents recorded before the register
(issue 14): the folded words of the number, the kind's label and the title, between
spaces — the same key ``programs.documents.key_of`` writes."""

import re

from django.db import migrations

from dangbo.core.choices import DocumentKind
from dangbo.core.text import fold

_NON_WORD = re.compile(r"[^0-9a-z]+")


def _words(text: str) -> list[str]:
    return [w for w in _NON_WORD.split(fold(text or "")) if w]


def _key(number: str, title: str, kind: str) -> str:
    label = str(DocumentKind(kind).label) if kind in DocumentKind.values else ""
    key = " " + " ".join([*_words(number), *_words(label), *_words(title)]) + " "
    return key[:699] + " " if len(key) > 700 else key


def fill(apps, schema_editor):
    LegalDocument = apps.get_model("core", "LegalDocument")
    batch = []
    for doc in LegalDocument.objects.only("id", "number", "title", "kind").iterator(2000):
        doc.search_key = _key(doc.number, doc.title, doc.kind)
        batch.append(doc)
        if len(batch) >= 2000:
            LegalDocument.objects.bulk_update(batch, ["search_key"])
            batch = []
    if batch:
        LegalDocument.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [("core", "0007_document_register")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
