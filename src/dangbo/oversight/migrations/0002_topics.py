"""The starting list of opinion topics; offices edit it in the admin (retire, never delete)."""

from django.db import migrations

TOPICS = [
    ("dat-dai", "Đất đai, tài nguyên"),
    ("ha-tang", "Hạ tầng, giao thông, xây dựng"),
    ("chinh-sach-xa-hoi", "Chính sách xã hội, an sinh"),
    ("tac-phong-can-bo", "Tác phong, đạo đức cán bộ"),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính"),
    ("xay-dung-dang", "Xây dựng Đảng, hệ thống chính trị"),
    ("kinh-te", "Sản xuất, kinh tế, nông thôn mới"),
    ("moi-truong", "Môi trường, vệ sinh"),
    ("an-ninh-trat-tu", "An ninh, trật tự"),
    ("giao-duc-y-te", "Giáo dục, y tế, văn hóa"),
    ("khac", "Khác"),
]


def add(apps, schema_editor):
    topic = apps.get_model("oversight", "OpinionTopic")
    for position, (code, name) in enumerate(TOPICS):
        topic.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
