"""The portal's rules: limits of what the public may send, the tracking code, and the words
of the consent lines (the law asks consent to be informed: what, why, how long — Luật Bảo vệ
dữ liệu cá nhân 91/2025/QH15, Art. 9; brief §9.3). No database here."""

from __future__ import annotations

MAX_COMMENT = 4000
MAX_PETITION = 8000
MAX_PETITION_IMAGES = 3

# Who the history of a petition names as its recorder (the public, through the portal).
PORTAL_SENDER = "Công dân gửi qua Cổng thông tin"

# How long what the portal collects is kept (the register and `dangbo retention` use these).
COMMENT_EMAIL_DAYS = 365  # a comment's email: a year after it was sent
REJECTED_COMMENT_DAYS = 90  # a comment not published: its name and email, 90 days
PETITION_CONTACT_DAYS = 365  # a petition's name and contact: a year after it is closed

COMMENT_PURPOSE = "portal.comment"
COMMENT_CONSENT_VERSION = 1
COMMENT_CONSENT = (
    "Tôi đồng ý để cơ quan quản lý Cổng thông tin lưu họ tên và email của tôi để duyệt, trả "
    "lời ý kiến này. Email không được công khai và được xóa sau 12 tháng; họ tên và ý kiến "
    "được đăng cùng bài viết nếu được duyệt. Tôi có thể rút lại sự đồng ý bất cứ lúc nào."
)

PETITION_PURPOSE = "portal.petition"
PETITION_CONSENT_VERSION = 1
PETITION_CONSENT = (
    "Tôi đồng ý để cơ quan quản lý Cổng thông tin lưu họ tên và email của tôi để xử lý, trả "
    "lời phản ánh này và báo kết quả cho tôi. Chỉ người được giao xử lý được xem; thông tin "
    "được xóa 12 tháng sau khi phản ánh được giải quyết xong. Tôi có thể rút lại sự đồng ý "
    "bất cứ lúc nào."
)

# Tracking codes: "PA-XXXX-XXXX" in Crockford's base32 (no I, L, O, U: nothing to misread),
# 40 random bits — with the status page's rate limit, guessing one is hopeless.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
PREFIX = "PA"


def new_code(random: bytes) -> str:
    number = int.from_bytes(random[:5], "big")
    chars = []
    for _ in range(8):
        number, digit = divmod(number, 32)
        chars.append(_ALPHABET[digit])
    return "".join(chars)


def format_code(code: str) -> str:
    return f"{PREFIX}-{code[:4]}-{code[4:]}"


def normalise_code(typed: str) -> str:
    """What a person typed (any case, spaces, dashes, O for 0…) as the stored code; "" when
    it cannot be one."""
    text = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    if text.startswith(PREFIX) and len(text) == len(PREFIX) + 8:
        text = text[len(PREFIX) :]
    text = text.translate(_READS_AS)
    if len(text) != 8 or any(ch not in _ALPHABET for ch in text):
        return ""
    return text
