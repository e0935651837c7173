"""The demo's issued report: the 2016 annual report of Tam Dương, issued by the district's
organisation office ("tochuc") under an illustrative number, so that "Báo cáo đã ban hành"
and "Thay đổi từ khi ban hành" have something to show. Written after everything it counts.

The annual kind ("nam") may be absent from a build of dangbo; the demo then issues nothing
rather than fail."""

from datetime import date

from django.contrib.auth import get_user_model

from dangbo.orgs.models import Organisation
from dangbo.reports import kinds, services
from dangbo.reports.kinds import Period

DISTRICT = "tam-duong"
ISSUER = "tochuc"
NUMBER = "15"  # illustrative, like the district's own documents in the demo
ISSUED_ON = date(2016, 12, 31)


def write(seed: int) -> dict:
    try:
        kinds.get("nam")
    except KeyError:
        return {"issued": 0}
    actor = get_user_model().objects.filter(username=ISSUER).first()
    org = Organisation.objects.filter(code=DISTRICT).first()
    if actor is None or org is None:
        return {"issued": 0}
    built = services.build("nam", org, Period(2016), viewer=actor)
    # No entry of its own: the loader writes one for the whole load.
    report = services.issue(built, actor=actor, number=NUMBER, issued_on=ISSUED_ON, audited=False)
    return {"issued": 1, "report": report.pk}
