"""Web UI (being written)."""

from django.http import Http404


def mine(request, *args, **kwargs):
    raise Http404


def coverage(request, *args, **kwargs):
    raise Http404


def assign(request, *args, **kwargs):
    raise Http404


def handover(request, *args, **kwargs):
    raise Http404


def end_assignment(request, *args, **kwargs):
    raise Http404


def targets(request, *args, **kwargs):
    raise Http404


def groups(request, *args, **kwargs):
    raise Http404


def group_create(request, *args, **kwargs):
    raise Http404


def plan(request, *args, **kwargs):
    raise Http404


def group(request, *args, **kwargs):
    raise Http404
