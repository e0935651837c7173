"""The "Báo cáo" pages: choose a kind, an organisation and a period; read it; download it as
.docx, PDF or .xlsx; issue it; the issued reports and what changed since."""

from django.http import Http404


def index(request):
    raise Http404
