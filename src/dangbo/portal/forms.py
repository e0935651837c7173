"""Forms of the public pages and of the newsroom. They parse; the rules (lengths, emails,
consent, links) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import DateField
from dangbo.orgs.choices import Sector
from dangbo.orgs.models import Organisation
from dangbo.oversight.models import OpinionTopic

from . import throttle
from .models import Category
from .rules import COMMENT_CONSENT, MAX_COMMENT, MAX_PETITION, PETITION_CONSENT

PUBLIC_SECTORS = (Sector.COMMUNE, Sector.TOWN, Sector.WARD)


class _Guarded(forms.Form):
    """The honeypot and the fill-time stamp every public form carries (``portal.throttle``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp = throttle.stamp()
        self.honeypot = throttle.HONEYPOT


class CommentForm(_Guarded):
    name = forms.CharField(label=_("Họ tên"), max_length=120)
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        help_text=_("Không hiển thị công khai."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    text = forms.CharField(
        label=_("Ý kiến của bạn"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent = forms.BooleanField(label=COMMENT_CONSENT, required=False)


class PetitionForm(_Guarded):
    topic = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=OpinionTopic.objects.filter(active=True).order_by("position", "name"),
        empty_label=_("— Chọn lĩnh vực —"),
        error_messages={
            "required": _("Lĩnh vực: chọn một lĩnh vực trong danh sách."),
            "invalid_choice": _("Lĩnh vực: chọn một lĩnh vực trong danh sách."),
        },
    )
    org = forms.ModelChoiceField(
        label=_("Xã, thị trấn liên quan"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— Chung toàn huyện / không rõ —"),
        error_messages={"invalid_choice": _("Xã, thị trấn: chọn trong danh sách.")},
    )
    place = forms.CharField(
        label=_("Địa điểm cụ thể (thôn, xóm, đường…)"), max_length=300, required=False
    )
    text = forms.CharField(
        label=_("Nội dung phản ánh, kiến nghị"),
        max_length=MAX_PETITION,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    name = forms.CharField(label=_("Họ tên (không bắt buộc)"), max_length=120, required=False)
    email = forms.CharField(
        label=_("Email để nhận mã tra cứu và trả lời (không bắt buộc)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(label=PETITION_CONSENT, required=False)
    publish_ok = forms.BooleanField(
        label=_(
            "Tôi đồng ý để nội dung phản ánh và trả lời được công khai trên Cổng thông tin "
            "(không kèm họ tên, email)."
        ),
        required=False,
    )

    def __init__(self, *args, owner: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Organisation.objects.filter(
                path__startswith=owner.path, sector__in=PUBLIC_SECTORS, valid_to__isnull=True
            )
            .exclude(pk=owner.pk)
            .order_by("name")
        )
        field.label_from_instance = lambda org: org.name


class StatusForm(forms.Form):
    code = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "PA-XXXX-XXXX"}),
    )
    email = forms.CharField(
        label=_("Email đã dùng khi gửi (nếu có)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


# ---------------------------------------------------------------- newsroom


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=250)
    lead = forms.CharField(
        label=_("Sa-pô (đoạn tóm tắt in đậm đầu bài)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Nội dung"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Mỗi đoạn cách nhau một dòng trống. Tiêu đề mục: dòng bắt đầu bằng “## ”. "
            "Gạch đầu dòng: “- ”. Đặt ảnh: một dòng “[ảnh 1]” (số thứ tự ảnh bên dưới)."
        ),
    )
    author_name = forms.CharField(label=_("Tác giả"), max_length=120)
    category = forms.ModelChoiceField(
        label=_("Chuyên mục"),
        queryset=Category.objects.order_by("position", "name"),
        empty_label=_("— Chọn chuyên mục —"),
    )
    tags = forms.CharField(
        label=_("Từ khóa (cách nhau bằng dấu phẩy)"), max_length=800, required=False
    )
    comments_open = forms.BooleanField(label=_("Nhận ý kiến bạn đọc"), required=False, initial=True)


class PublishForm(forms.Form):
    publish_on = DateField(label=_("Ngày đăng (để trống: đăng ngay)"), required=False)
    note = forms.CharField(
        label=_("Ý kiến người duyệt"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Ảnh (JPEG, PNG, WebP)"))
    caption = forms.CharField(label=_("Chú thích ảnh"), max_length=300, required=False)
    alt = forms.CharField(label=_("Mô tả ảnh cho người khiếm thị"), max_length=300, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Trả lời công khai"), widget=forms.Textarea(attrs={"rows": 4}))


class ToOpinionForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=OpinionTopic.objects.filter(active=True).order_by("position", "name"),
        empty_label=_("— Chọn lĩnh vực —"),
    )
    org = forms.ModelChoiceField(
        label=_("Xã, thị trấn / tổ chức liên quan"), queryset=Organisation.objects.none()
    )
    assign_to = forms.ModelChoiceField(
        label=_("Giao cho (không bắt buộc)"), queryset=Organisation.objects.none(), required=False
    )
    deadline = DateField(label=_("Hạn xử lý"), required=False)

    def __init__(self, *args, owner: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = (
            Organisation.objects.filter(path__startswith=owner.path, valid_to__isnull=True)
            .filter(depth__lte=owner.depth + 1)
            .order_by("depth", "name")
        )
        for name in ("org", "assign_to"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = orgs
            field.label_from_instance = lambda org: org.name


class DataRequestForm(_Guarded):
    """A citizen's request about their personal data (the law's rights, Art. 4)."""

    kind = forms.ChoiceField(label=_("Bạn muốn"), choices=())
    text = forms.CharField(
        label=_("Nội dung yêu cầu (dữ liệu nào, gửi khi nào, mã tra cứu phản ánh nếu có)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    name = forms.CharField(label=_("Họ tên"), max_length=120)
    email = forms.CharField(
        label=_("Email để nhận trả lời"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        from dangbo.privacy.choices import RequestKind

        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— Chọn —")), *RequestKind.choices]
