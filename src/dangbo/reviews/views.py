"""Web UI for reviews (being written)."""

from django.http import Http404


def cycles(request, *args, **kwargs):
    raise Http404


def cycle(request, *args, **kwargs):
    raise Http404


def evaluations(request, *args, **kwargs):
    raise Http404


def self_assess(request, *args, **kwargs):
    raise Http404


def lock(request, *args, **kwargs):
    raise Http404


def reopen(request, *args, **kwargs):
    raise Http404


def remedy_group(request, *args, **kwargs):
    raise Http404


def remedy(request, *args, **kwargs):
    raise Http404


def evaluation(request, *args, **kwargs):
    raise Http404


def evaluation_action(request, *args, **kwargs):
    raise Http404


def honours(request, *args, **kwargs):
    raise Http404


def honours_xlsx(request, *args, **kwargs):
    raise Http404


def honours_docx(request, *args, **kwargs):
    raise Http404


def member_history(request, *args, **kwargs):
    raise Http404


def org_history(request, *args, **kwargs):
    raise Http404
