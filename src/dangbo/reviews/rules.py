"""The review rules of the domain brief as pure functions: the score band a total falls in
(rule 22), the peer groups a quota counts within and the quota itself (rule 23).

Rule 23 comes from the scheme in force (``Scheme.quota_*``, tied to its document): under
QĐ 124-QĐ/TW (Bộ Chính trị, 04/10/2023), Điều 12, at most 20% of those rated "hoàn thành
tốt nhiệm vụ" in a peer group may be rated "hoàn thành xuất sắc nhiệm vụ". The rate and the
two levels are data of the scheme; the arithmetic is here, once, for the decision that
checks it, the cycle page and the API that show it.
"""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from .choices import CycleWindow, SubjectKind


class PeerGroup(NamedTuple):
    """A peer group a quota counts within: members decided by one body (``sector`` None), or
    organisations of one sector decided by one body. Stored as its ``key()``."""

    deciding_code: str
    sector: str | None = None

    def key(self) -> str:
        """What ``Evaluation.peer_group`` stores: "member:CODE" or "org:CODE:SECTOR"."""
        if self.sector is None:
            return f"{SubjectKind.MEMBER.value}:{self.deciding_code}"
        return f"{SubjectKind.ORG.value}:{self.deciding_code}:{self.sector}"

    @classmethod
    def parse(cls, key: str) -> "PeerGroup":
        """The group a stored ``key()`` names."""
        kind, _sep, rest = key.partition(":")
        if kind == SubjectKind.MEMBER:
            return cls(rest)
        code, _sep, sector = rest.partition(":")
        return cls(code, sector)


def window(opens_on: date, closes_on: date, *, locked: bool, day: date) -> CycleWindow:
    """Where a review cycle stands on ``day``: self-assessments and proposals from
    ``opens_on`` to ``closes_on``; decisions from ``opens_on`` until the lock."""
    if locked:
        return CycleWindow.LOCKED
    if day < opens_on:
        return CycleWindow.BEFORE
    return CycleWindow.OPEN if day <= closes_on else CycleWindow.CLOSED


def quota_applies(scheme) -> bool:
    """Whether the scheme caps a level (switched on, with a rate and both levels)."""
    return bool(
        scheme.quota_enabled and scheme.quota_rate and scheme.quota_level and scheme.quota_base
    )


def quota_allowed(rate: Decimal, base: int) -> int:
    """Rule 23: how many may be at the capped level when ``base`` peers are at the base
    level: ``rate`` × ``base``, rounded down (20% of 4 is 0; of 5, 1)."""
    return int(Decimal(rate) * base)


def within_quota(rate: Decimal, base: int, capped: int) -> bool:
    """Whether ``capped`` decisions at the capped level keep within the quota."""
    return capped <= quota_allowed(rate, base)


def band_of(levels, total):
    """Rule 22: the level whose score band holds ``total`` (the bands of a scored scheme,
    best level first; the top band includes its maximum), or None."""
    for level in levels:
        if (
            level.min_score is not None
            and level.min_score <= total
            and (
                level.max_score is None
                or total < level.max_score
                or (level.rank == 1 and total <= level.max_score)
            )
        ):
            return level
    return None
