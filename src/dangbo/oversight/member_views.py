"""A member's own opinions ("Ý kiến của tôi"): the form a member sends an opinion with, and
the list of the ones they sent. Thin: parse, call the one service, render."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core.forms import VNForm
from dangbo.core.views import apply_service_errors, page_of, render_page
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.own import own_member

from . import queries, services
from .models import OpinionTopic
from .opinion_forms import ParagraphField


class MemberOpinionForm(VNForm):
    """What a member sends from their own page: the topic and the text. Where it goes (their
    own cell) is not theirs to choose: the service takes it from their record."""

    topic = forms.ModelChoiceField(
        queryset=OpinionTopic.objects.filter(active=True).order_by("position", "name"),
        to_field_name="code",
        label=gettext_lazy("Lĩnh vực"),
        empty_label=gettext_lazy("— chọn lĩnh vực —"),
    )
    text = ParagraphField(label=gettext_lazy("Nội dung ý kiến"), rows=5)

    def clean_text(self):
        """Blank (spaces only) is missing, said with the topic's error in the same answer;
        the rest of the text's rules are the service's."""
        text = self.cleaned_data.get("text") or ""
        if not text.strip():
            raise forms.ValidationError(_("Nội dung ý kiến: bắt buộc."))
        return text


@login_required
def my_opinions(request):
    """A member sends an opinion to their own cell and follows the ones they sent, and only
    those. A login without a member record: 404."""
    me = own_member(request.user)
    if me is None:
        raise Http404
    active = me.status in ACTIVE_STATUSES
    post = request.POST if request.method == "POST" and active else None
    form = MemberOpinionForm(post)
    status = 200
    if request.method == "POST":
        if post is not None and form.is_valid():
            try:
                sent = services.send_member_opinion(
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    topic=form.cleaned_data["topic"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã gửi ý kiến #%(pk)s tới %(org)s.")
                    % {"pk": sent.pk, "org": sent.received_by.name},
                )
                return redirect(reverse("oversight:my_opinions"))
        status = 400
    return render_page(
        request,
        "oversight/my_opinions.html",
        {
            "me": me,
            "form": form if active else None,
            "committee": services.member_cell_committee(me.org),
            "page": page_of(request, queries.opinions_sent_by(me)),
        },
        status=status,
    )
