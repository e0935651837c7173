"""Forms of the organisation pages. They parse and name fields; the rules stay in the
services."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import DateField, VNForm, fact_choices, model_char_field
from dangbo.core.modelfields import max_length_of
from dangbo.core.models import LegalDocument
from dangbo.core.text import clean_text, fold
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.fields import PERSON_HELP, MemberChoiceField
from dangbo.orgs.choices import AppointMethod, BodyType, FormedBy, OrgKind, Sector, Title
from dangbo.orgs.fields import NAME_HELP, OrgChoiceField, OrgListField
from dangbo.orgs.models import CommitteeBody, Organisation, Position, code_problem, valid_code


class DocumentFields(VNForm):
    """The decision behind a reorganisation: optional, but all three parts or none."""

    doc_number = forms.CharField(
        label=_("Số văn bản quyết định"),
        max_length=max_length_of(LegalDocument, "number"),
        required=False,
        help_text=_("Ví dụ 125-QĐ/HU; để trống nếu chưa có."),
    )
    doc_issuer = forms.CharField(
        label=_("Cơ quan ban hành"),
        max_length=max_length_of(LegalDocument, "issuer"),
        required=False,
    )
    doc_date = DateField(label=_("Ngày ban hành"), required=False)

    def clean(self):
        data = super().clean()
        given = [data.get(f) for f in ("doc_number", "doc_issuer", "doc_date")]
        if any(given) and not all(given):
            for name in ("doc_number", "doc_issuer", "doc_date"):
                if not data.get(name) and name not in self.errors:
                    label = self.fields[name].label
                    self.add_error(
                        name, _("%(f)s: cần ghi đủ số, cơ quan và ngày ban hành.") % {"f": label}
                    )
        return data


class CreateOrgForm(DocumentFields):
    # Label and length from ``Organisation``: the one definition of a code and a name.
    code = model_char_field(
        Organisation,
        "code",
        help_text=_("Chữ thường không dấu, số và dấu gạch ngang, ví dụ kl-thon-3."),
    )
    name = model_char_field(Organisation, "name")
    kind = forms.ChoiceField(label=_("Loại tổ chức"), choices=fact_choices(OrgKind.choices))
    sector = forms.ChoiceField(label=_("Loại hình"), choices=fact_choices(Sector.choices))
    valid_from = DateField(label=_("Ngày thành lập"))


class RenameOrgForm(DocumentFields):
    name = model_char_field(Organisation, "name", label=_("Tên mới"))
    effective_date = DateField(label=_("Ngày hiệu lực"))


class ReparentOrgForm(DocumentFields):
    new_parent = OrgChoiceField(_("Tổ chức cấp trên mới"), help_text=NAME_HELP)
    effective_date = DateField(label=_("Ngày hiệu lực"))


class DissolveOrgForm(DocumentFields):
    effective_date = DateField(label=_("Ngày kết thúc hoạt động"))


MAX_LIST_ITEMS = 50  # organisations in one merge or split
MAX_ALLOCATION_LINES = 2000


def _codes(text: str) -> list[str]:
    """Codes separated by commas, semicolons or whitespace, lower-cased, first-seen order."""
    return list(dict.fromkeys(c.lower() for c in re.split(r"[\s,;]+", text or "") if c))


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-empty lines with their 1-based numbers; a ``#`` starts a comment."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if line:
            rows.append((number, line))
    return rows


class OrgForm(VNForm):
    """A form whose choices or checks depend on the organisation it acts on."""

    uses_org = True

    def __init__(self, *args, org: Organisation, **kwargs):
        self.org = org
        super().__init__(*args, **kwargs)


class MergeOrgForm(DocumentFields):
    sources = OrgListField(
        _("Tổ chức được hợp nhất"),
        help_text=_(
            "Gõ tên từng tổ chức hợp nhất vào tổ chức này rồi chọn (không có JavaScript: mỗi "
            "dòng một tên). Đảng viên và tổ chức trực thuộc của chúng chuyển về đây; chúng kết "
            "thúc hoạt động vào ngày trước ngày hiệu lực."
        ),
    )
    effective_date = DateField(label=_("Ngày hiệu lực"))


class SplitOrgForm(OrgForm, DocumentFields):
    """New organisations as ``code | name`` lines; members as ``member-id code`` lines."""

    new_orgs = forms.CharField(
        label=_("Tổ chức mới"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Mỗi dòng một tổ chức: mã | tên, ví dụ: kl-thon-3 | Chi bộ thôn Gia Du 2. "
            "Loại tổ chức, loại hình và cấp trên giống tổ chức bị chia tách."
        ),
    )
    allocation = forms.CharField(
        label=_("Phân bổ đảng viên"),
        max_length=100000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "Mỗi dòng một đảng viên: họ tên → tên (hoặc mã) tổ chức mới, ví dụ: Nguyễn Văn An → "
            "Chi bộ thôn Gia Du 2. Dòng chỉ có họ tên: đảng viên ở lại tổ chức cũ (chỉ khi tổ "
            "chức cũ không kết thúc hoạt động); hai người trùng tên: thêm năm sinh trong ngoặc. "
            "Phần sau dấu # là ghi chú."
        ),
    )
    effective_date = DateField(label=_("Ngày hiệu lực"))
    end_source = forms.BooleanField(
        label=_("Tổ chức bị chia tách kết thúc hoạt động"), required=False, initial=True
    )

    def clean_new_orgs(self):
        label = self.fields["new_orgs"].label
        rows = _lines(self.cleaned_data["new_orgs"])
        if not rows:
            raise forms.ValidationError(_("%(f)s: bắt buộc.") % {"f": label})
        if len(rows) > MAX_LIST_ITEMS:
            raise forms.ValidationError(
                _("%(f)s: tối đa %(n)s tổ chức một lần.") % {"f": label, "n": MAX_LIST_ITEMS}
            )
        specs, errors = [], []
        for number, line in rows:
            where = _("%(f)s, dòng %(n)s") % {"f": label, "n": number}
            code, sep, name = (part.strip() for part in line.partition("|"))
            code = code.lower()
            if not sep or not code or not name:
                errors.append(_("%(w)s: ghi theo dạng “mã | tên”.") % {"w": where})
                continue
            if not valid_code(code):
                errors.append(
                    _("%(w)s: mã “%(code)s” %(rule)s.")
                    % {"w": where, "code": code, "rule": code_problem()}
                )
                continue
            if any(s["code"] == code for s in specs):
                errors.append(_("%(w)s: mã “%(code)s” bị lặp.") % {"w": where, "code": code})
                continue
            if Organisation.objects.filter(code=code).exists():
                errors.append(
                    _("%(w)s: đã có tổ chức mang mã “%(code)s”.") % {"w": where, "code": code}
                )
                continue
            try:
                name = clean_text(name, str(where), max_length=max_length_of(Organisation, "name"))
            except forms.ValidationError as exc:
                errors.append(exc.messages[0])
                continue
            specs.append({"code": code, "name": name})
        if errors:
            raise forms.ValidationError(errors)
        return specs

    def clean_allocation(self):
        """Lines "Họ tên → tổ chức mới" (the member by name among the organisation's active
        members, "(năm sinh)" after it when two share a name; the new organisation by its
        name or code; nothing after the name: stays), or the older "id code" lines."""
        label = self.fields["allocation"].label
        rows = _lines(self.cleaned_data.get("allocation") or "")
        if len(rows) > MAX_ALLOCATION_LINES:
            raise forms.ValidationError(
                _("%(f)s: tối đa %(n)s dòng.") % {"f": label, "n": MAX_ALLOCATION_LINES}
            )
        present = {
            pk: (name, born)
            for pk, name, born in self.org.members.filter(status__in=ACTIVE_STATUSES).values_list(
                "pk", "full_name", "date_of_birth"
            )
        }
        allocation, errors = {}, []
        for number, line in rows:
            where = _("%(f)s, dòng %(n)s") % {"f": label, "n": number}
            first = line.split(None, 1)[0]
            if first.isascii() and first.isdigit():  # "125 kl-thon-3", as before
                parts = re.split(r"\s*(?:->|→|\||:|,|\s)\s*", line, maxsplit=1)
                raw_id, target = parts[0], parts[1].strip() if len(parts) > 1 else ""
                member_id: int | None = int(raw_id) if len(raw_id) <= 18 else None
                if member_id not in present:
                    errors.append(
                        _("%(w)s: đảng viên mã %(id)s không sinh hoạt tại %(org)s.")
                        % {"w": where, "id": raw_id, "org": self.org.name}
                    )
                    continue
            else:
                pieces = re.split(r"\s*(?:->|→|\|)\s*", line, maxsplit=1)
                who, target = pieces[0].strip(), pieces[1].strip() if len(pieces) > 1 else ""
                member_id, problem = _member_named(present, who)
                if problem:
                    errors.append(f"{where}: {problem}")
                    continue
            if member_id in allocation:
                errors.append(
                    _("%(w)s: %(name)s đã được phân bổ ở dòng trước.")
                    % {"w": where, "name": present[member_id][0]}
                )
                continue
            allocation[member_id] = (number, target) if target else None
        if errors:
            raise forms.ValidationError(errors)
        return allocation

    def clean(self):
        data = super().clean()
        specs, allocation = data.get("new_orgs"), data.get("allocation")
        if specs is None or allocation is None:
            return data
        by_key = {s["code"]: s["code"] for s in specs} | {fold(s["name"]): s["code"] for s in specs}
        label = self.fields["allocation"].label
        clean = {}
        for member_id, target in allocation.items():
            if target is None:
                continue
            number, text = target
            code = by_key.get(text.lower()) or by_key.get(fold(text))
            if code is None:
                self.add_error(
                    "allocation",
                    _("%(f)s, dòng %(n)s: “%(code)s” không có trong danh sách tổ chức mới.")
                    % {"f": label, "n": number, "code": text},
                )
                continue
            clean[member_id] = code
        data["allocation"] = clean
        return data


def _member_named(present: dict, text: str) -> tuple[int | None, str]:
    """The member of ``present`` (id → (name, birth date)) that ``text`` names: "Họ tên" or
    "Họ tên (năm sinh)"; else (None, what is wrong)."""
    name, year = text, None
    found = re.fullmatch(r"(.*?)\s*\((\d{4})\)", text)
    if found:
        name, year = found.group(1), int(found.group(2))
    matches = [
        pk
        for pk, (full_name, born) in present.items()
        if fold(full_name) == fold(name) and (year is None or (born and born.year == year))
    ]
    if len(matches) == 1:
        return matches[0], ""
    if not matches:
        return None, _("không có đảng viên “%(v)s” đang sinh hoạt tại tổ chức này.") % {"v": text}
    years = ", ".join(
        f"{present[pk][0]} ({present[pk][1].year})" for pk in matches if present[pk][1]
    )
    return None, _("có %(n)s đảng viên tên “%(v)s”: ghi thêm năm sinh, ví dụ %(e)s.") % {
        "n": len(matches),
        "v": text,
        "e": years,
    }


class CreateBodyForm(OrgForm, DocumentFields):
    body_type = forms.ChoiceField(label=_("Loại cơ quan"), choices=BodyType.choices)
    term_start_year = forms.IntegerField(label=_("Nhiệm kỳ từ năm"), min_value=1930, max_value=2200)
    term_end_year = forms.IntegerField(label=_("Nhiệm kỳ đến năm"), min_value=1930, max_value=2200)
    formed_by = forms.ChoiceField(
        label=_("Hình thức"), choices=FormedBy.choices, initial=FormedBy.ELECTED
    )
    valid_from = DateField(label=_("Ngày bắt đầu hiệu lực"))


def _body_choices(org: Organisation) -> list[tuple[str, str]]:
    bodies = CommitteeBody.objects.filter(org=org).order_by("-term_start_year", "body_type")
    return [("", _("— Không thuộc cơ quan nào —"))] + [
        (str(b.pk), f"{b.get_body_type_display()} {b.term}") for b in bodies
    ]


class AssignPositionForm(OrgForm):
    member = MemberChoiceField(_("Đảng viên"), help_text=PERSON_HELP)
    title = forms.ChoiceField(label=_("Chức vụ"), choices=Title.choices)
    body = forms.ChoiceField(label=_("Cơ quan"), required=False, choices=())
    method = forms.ChoiceField(
        label=_("Hình thức"), choices=AppointMethod.choices, initial=AppointMethod.ELECTED
    )
    valid_from = DateField(label=_("Ngày nhận chức vụ"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = _body_choices(self.org)

    def clean_body(self):
        value = self.cleaned_data.get("body")
        if not value:
            return None
        return CommitteeBody.objects.get(pk=int(value), org=self.org)


class EndPositionForm(OrgForm):
    position = forms.ChoiceField(label=_("Chức vụ"), choices=())
    valid_to = DateField(label=_("Ngày thôi giữ chức vụ"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        open_positions = (
            Position.objects.filter(org=self.org, valid_to__isnull=True)
            .select_related("member")
            .order_by("member__sort_key", "id")
        )
        self.fields["position"].choices = [
            (str(p.pk), f"{p.member.full_name} — {p.get_title_display()}") for p in open_positions
        ]

    def clean_position(self):
        return Position.objects.select_related("member").get(
            pk=int(self.cleaned_data["position"]), org=self.org
        )
