"""The member's own page ("Trang của tôi"), reached at "/" by a member-only login.

A placeholder until the member's page is written: the home page with the member's links."""

from dangbo.core.views import render_page


def member_home(request):
    return render_page(request, "home/index.html", {"sections": [], "is_member": True})
