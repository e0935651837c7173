"""Forms of the oversight pages (assignments, working groups and their plans).

People and organisations are named by name (type-ahead pickers; a card number or a code
still works), resolved within the user's scope by the fields; the services keep the rules.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core import scope
from dangbo.core.dates import today
from dangbo.core.forms import DateField, VNForm
from dangbo.meetings.rules import quarter_bounds
from dangbo.members.fields import PERSON_HELP, MemberChoiceField, MemberListField
from dangbo.orgs.fields import NAME_HELP, OrgChoiceField

from .choices import AssignmentRole, PlanMode, PlanSelection, TargetPeriod


class AssignForm(VNForm):
    member = MemberChoiceField(_("Cấp ủy viên"), help_text=PERSON_HELP)
    target = OrgChoiceField(_("Tổ chức được phụ trách"), help_text=NAME_HELP)
    valid_from = DateField(label=_("Từ ngày"))
    role = forms.ChoiceField(
        label=_("Nhiệm vụ"), choices=AssignmentRole.choices, initial=AssignmentRole.OVERSEE
    )
    target_count = forms.IntegerField(
        label=_("Số lần dự sinh hoạt tối thiểu"), min_value=1, max_value=50, initial=1
    )
    target_period = forms.ChoiceField(
        label=_("Trong"), choices=TargetPeriod.choices, initial=TargetPeriod.QUARTER
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        count = self.fields["target_count"]
        count.error_messages["min_value"] = count.error_messages["max_value"] = _(
            "Số lần dự sinh hoạt tối thiểu: từ 1 đến 50."
        )


class HandoverForm(VNForm):
    to_member = MemberChoiceField(_("Người nhận bàn giao"), help_text=PERSON_HELP)
    on = DateField(label=_("Ngày bàn giao"), help_text=_("Người nhận phụ trách từ ngày này."))
    reason = forms.CharField(label=_("Lý do"), max_length=300)


class EndAssignmentForm(VNForm):
    valid_to = DateField(label=_("Đến ngày"))
    reason = forms.CharField(label=_("Lý do kết thúc"), max_length=300)


QUARTERS = [("", _("— Ghi ngày cụ thể —"))] + [
    (str(q), _("Quý %(q)s") % {"q": q}) for q in range(1, 5)
]


class GroupForm(VNForm):
    """A group's period: a quarter of a year, or explicit dates (which win when given)."""

    name = forms.CharField(label=_("Tên tổ"), max_length=200)
    year = forms.IntegerField(label=_("Năm"), min_value=1930, max_value=2200, required=False)
    quarter = forms.ChoiceField(label=_("Quý"), choices=QUARTERS, required=False)
    period_start = DateField(
        label=_("Từ ngày"), required=False, help_text=_("Để trống nếu chọn quý.")
    )
    period_end = DateField(
        label=_("Đến ngày"), required=False, help_text=_("Để trống nếu chọn quý.")
    )
    leader = MemberChoiceField(_("Tổ trưởng"), help_text=PERSON_HELP)
    members = MemberListField(
        _("Thành viên"),
        action=scope.CHANGE,
        help_text=_(
            "Gõ tên để chọn từng người; không có JavaScript thì mỗi dòng một họ tên. "
            "Tổ trưởng là thành viên sẵn."
        ),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": today().year})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start or end:
            for name in ("period_start", "period_end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(
                        name,
                        _("%(f)s: cần ghi cả hai ngày, hoặc để trống cả hai và chọn quý.")
                        % {"f": self.fields[name].label},
                    )
        elif "period_start" not in self.errors and "period_end" not in self.errors:
            year, quarter = data.get("year"), data.get("quarter")
            if not quarter:
                self.add_error(
                    "quarter", _("Quý: chọn một quý, hoặc ghi ngày bắt đầu và kết thúc.")
                )
            elif year is None:
                if "year" not in self.errors:
                    self.add_error("year", _("Năm: bắt buộc khi chọn quý."))
            else:
                data["period_start"], data["period_end"] = quarter_bounds(year, int(quarter))
        return data


class PlanForm(VNForm):
    groups = forms.MultipleChoiceField(
        label=_("Tổ công tác"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    selection = forms.ChoiceField(
        label=_("Chi bộ cần dự"), choices=PlanSelection.choices, initial=PlanSelection.RESIDENTIAL
    )
    mode = forms.ChoiceField(label=_("Cách chia"), choices=PlanMode.choices, initial=PlanMode.EACH)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group_objects = {str(g.pk): g for g in groups}
        self.fields["groups"].choices = [
            (str(g.pk), f"{g.name} — {g.leader.full_name}") for g in groups
        ]
        self.fields["groups"].initial = list(self.group_objects)
        self.fields["groups"].error_messages["required"] = _("Tổ công tác: chọn ít nhất một tổ.")

    def clean_groups(self):
        return [self.group_objects[pk] for pk in self.cleaned_data["groups"]]


class AddTargetForm(VNForm):
    org = OrgChoiceField(_("Chi bộ"), help_text=NAME_HELP)
    planned_date = DateField(label=_("Ngày dự kiến"), required=False)


class MoveTargetForm(VNForm):
    target = forms.IntegerField(label=_("Chi bộ trong kế hoạch"), min_value=1)
    to_group = forms.ChoiceField(label=_("Chuyển sang tổ"), choices=())

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group_objects = {str(g.pk): g for g in groups}
        self.fields["to_group"].choices = [(str(g.pk), g.name) for g in groups]

    def clean_to_group(self):
        return self.group_objects[self.cleaned_data["to_group"]]


class RemoveTargetForm(VNForm):
    target = forms.IntegerField(label=_("Chi bộ trong kế hoạch"), min_value=1)
