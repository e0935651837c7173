"""Web UI (being written)."""

from django.http import Http404


def compliance(request, *args, **kwargs):
    raise Http404


def cell(request, *args, **kwargs):
    raise Http404


def create(request, *args, **kwargs):
    raise Http404


def detail(request, *args, **kwargs):
    raise Http404


def edit(request, *args, **kwargs):
    raise Http404


def attendance(request, *args, **kwargs):
    raise Http404


def vote(request, *args, **kwargs):
    raise Http404


def minutes_docx(request, *args, **kwargs):
    raise Http404

