"""The starting list of opinion topics. Offices adapt it (``dangbo topics``); this list is
what a new installation starts with, and what the demo and tests can count on."""

DEFAULT_TOPICS = (
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
)


def ensure_defaults(topic_model=None) -> None:
    """Create any default topic that is missing (never touches existing ones)."""
    if topic_model is None:  # lazily: migrations pass their historical model instead
        from .models import OpinionTopic as topic_model
    for position, (code, name) in enumerate(DEFAULT_TOPICS):
        topic_model.objects.get_or_create(code=code, defaults={"name": name, "position": position})
