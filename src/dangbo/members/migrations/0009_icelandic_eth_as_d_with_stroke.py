"""Names typed with the Icelandic Ð/ð (U+00D0/U+00F0) for Đ/đ: stored as Đ/đ and refolded.

Why: "Nguyễn Ðình Nhuận" was never found by "nguyen dinh nhuan". Only the rows that hold
the look-alikes are touched, so the migration is cheap.
"""

from django.db import migrations
from django.db.models import Q

from dangbo.core.text import fold, name_parts, name_sort_key, vietnamese

TEXT_FIELDS = (
    "full_name",
    "birth_name",
    "aliases",
    "birthplace",
    "home_town",
    "permanent_address",
    "temporary_address",
)


def forwards(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    found = Q()
    for name in TEXT_FIELDS:
        found |= Q(**{f"{name}__contains": "\u00d0"}) | Q(**{f"{name}__contains": "\u00f0"})
    for member in Member.objects.filter(found).iterator():
        for name in TEXT_FIELDS:
            setattr(member, name, vietnamese(getattr(member, name)))
        member.search_name = fold(member.full_name)
        member.sort_key = name_sort_key(member.full_name)
        member.given_name, member.family_name, member.middle_name = name_parts(member.full_name)
        member.save()


class Migration(migrations.Migration):
    dependencies = [("members", "0008_plain_text_validators")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
