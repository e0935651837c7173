from django.apps import AppConfig
from django.db.models.signals import post_migrate


def fill_document_keys(**kwargs) -> None:
    """Documents written by later apps' data migrations (criteria sets, review schemes) use
    historical models, which know nothing of ``LegalDocument.save``: give them their search
    key once everything has migrated. One query when there is nothing to do."""
    from .models import LegalDocument, key_for

    using = kwargs.get("using", "default")
    missing = list(
        LegalDocument.objects.using(using).filter(search_key="").only("number", "title", "kind")
    )
    for doc in missing:
        doc.search_key = key_for(doc)
    LegalDocument.objects.using(using).bulk_update(missing, ["search_key"], batch_size=2000)


class CoreConfig(AppConfig):
    name = "dangbo.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self) -> None:
        post_migrate.connect(fill_document_keys, sender=self, dispatch_uid="dangbo.document_keys")
