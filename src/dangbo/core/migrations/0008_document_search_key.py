"""Fill ``LegalDocument.search_key`` for the documents recorded before the register
(issue 14): the folded words of the number, the kind's label and the title, between
spaces — the key ``core.models.key_for`` gives."""

from django.db import migrations

from dangbo.core.models import key_for


def fill(apps, schema_editor):
    LegalDocument = apps.get_model("core", "LegalDocument")
    batch = []
    for doc in LegalDocument.objects.only("id", "number", "title", "kind").iterator(2000):
        doc.search_key = key_for(doc)
        batch.append(doc)
        if len(batch) >= 2000:
            LegalDocument.objects.bulk_update(batch, ["search_key"])
            batch = []
    if batch:
        LegalDocument.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [("core", "0007_document_register")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
