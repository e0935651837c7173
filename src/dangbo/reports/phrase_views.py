"""The office's editor of report phrases (reports.models.ReportPhrase)."""

from django.http import Http404


def phrases(request):
    raise Http404
