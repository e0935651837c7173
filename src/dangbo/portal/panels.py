"""The portal's block on an opinion's page (``core.panels``): a petition sent on the portal
shows its tracking code, the photos sent with it, and — once answered, when the sender
agreed — whether the answer is published on the portal."""

from django.template.loader import render_to_string

from dangbo.core import scope
from dangbo.oversight.choices import OpinionState

from .models import Comment, Petition
from .rules import format_code


def opinion_panel(request, opinion) -> str:
    petition = Petition.objects.filter(opinion=opinion).first()
    comment = Comment.objects.filter(opinion=opinion).select_related("article").first()
    if petition is None and comment is None:
        return ""
    pictures = list(petition.images.select_related("image").order_by("id")) if petition else []
    can_publish = (
        petition is not None
        and petition.publish_ok
        and opinion.state in (OpinionState.ANSWERED, OpinionState.CLOSED)
        and scope.covers(request.user, scope.CHANGE, opinion.received_by)
    )
    return render_to_string(
        "portal/staff/_opinion_panel.html",
        {
            "petition": petition,
            "code": format_code(petition.code) if petition else "",
            "pictures": pictures,
            "comment": comment,
            "can_publish": can_publish,
        },
        request=request,
    )
