"""Web UI for visits and opinions (being written)."""

from django.http import Http404


def visit_create(request, *args, **kwargs):
    raise Http404


def visit(request, *args, **kwargs):
    raise Http404


def opinions(request, *args, **kwargs):
    raise Http404


def quarter(request, *args, **kwargs):
    raise Http404


def opinion_create(request, *args, **kwargs):
    raise Http404


def opinion(request, *args, **kwargs):
    raise Http404


def opinion_action(request, *args, **kwargs):
    raise Http404
