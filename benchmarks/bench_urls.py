"""dangbo's URLs plus ``/bench/minimal/``: the floor the pages are compared with.

The minimal view goes through the same WSGI server and middleware stack as every page, runs
ONE ``SELECT 1`` on Django's database connection and returns 2 bytes of text. It needs no
login, so the session and the user are never loaded (a page loads both): what is left is
the cost of waitress, Django's request cycle, the middleware and one database round trip.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

import dangbo.urls


def minimal_view(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal_view), *dangbo.urls.urlpatterns]
