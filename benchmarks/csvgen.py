"""Write the member CSV that the import benchmark reads, from the cells of the loaded world.

    python -m benchmarks.csvgen OUT.csv ROWS [--seed S]

Realistic rows for dangbo's member template: Vietnamese names (the demo vocabulary), genders
in the national proportion, dates as dd/mm/yyyy, cell codes of real active cells of the
benchmark database spread over the whole country, card numbers 9xxxxxxx (the national world
draws 0xxxxxxx, so they never collide), official recognition 12–14 months after admission
for ~97 % of rows and recent probationers for the rest. Every row is valid: an import that
refused rows would measure error handling, not the write path.
"""

import argparse
import csv
import random
from datetime import date, timedelta

from benchmarks import child

HEADER = (
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Mã chi bộ",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Ngày chính thức",
)
CARD_BASE = 90_000_000  # bench cards: 9xxxxxxx
P_PROBATIONARY = 0.03
P_FEMALE = 0.36


def _expand(pairs) -> tuple:
    return tuple(item for item, weight in pairs for _ in range(weight))


def active_cells() -> list[str]:
    """Codes of every active cell, in id order (deterministic for a given world)."""
    from dangbo.orgs.choices import CELL_KINDS
    from dangbo.orgs.models import Organisation

    return list(
        Organisation.objects.filter(kind__in=CELL_KINDS, valid_to__isnull=True)
        .order_by("id")
        .values_list("code", flat=True)
    )


def write_csv(path: str, rows: int, cells: list[str], seed: int, today: date) -> None:
    from dangbo.demo import names as N

    rnd = random.Random(seed)
    family = _expand(N.FAMILY_NAMES)
    middles = {"M": _expand(N.MALE_MIDDLE), "F": _expand(N.FEMALE_MIDDLE)}
    givens = {"M": N.MALE_GIVEN, "F": N.FEMALE_GIVEN}
    gender_label = {"M": "Nam", "F": "Nữ"}
    cards = rnd.sample(range(10_000_000), rows)  # unique, shuffled
    recent = today - timedelta(days=330)  # probation not over: no "overdue" warning
    first = date(1975, 1, 1)
    span = (today - timedelta(days=450) - first).days  # recognised by today
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(rows):
            gender = "F" if rnd.random() < P_FEMALE else "M"
            name = (
                f"{rnd.choice(family)} {rnd.choice(middles[gender])} {rnd.choice(givens[gender])}"
            )
            code = cells[rnd.randrange(len(cells))]
            if rnd.random() < P_PROBATIONARY:
                admitted = recent + timedelta(days=rnd.randrange(300))
                official = None
            else:
                admitted = first + timedelta(days=rnd.randrange(span))
                # Rule 8: at least 12 months of probation (366 days covers leap years).
                official = admitted + timedelta(days=366 + rnd.randrange(60))
            age = 19 + rnd.randrange(36)  # at admission: 19–54, inside rule 7's 18–60
            born = admitted - timedelta(days=age * 365 + rnd.randrange(300))
            out.writerow(
                (
                    name,
                    gender_label[gender],
                    born.strftime("%d/%m/%Y"),
                    code,
                    f"{CARD_BASE + cards[i]:08d}",
                    admitted.strftime("%d/%m/%Y"),
                    official.strftime("%d/%m/%Y") if official else "",
                )
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("rows", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    child.setup_django()
    from dangbo.core.dates import today

    seconds, cells = child.timed(active_cells)
    child.say(f"{len(cells):,} active cells read in {seconds:.1f} s")
    seconds, _ = child.timed(lambda: write_csv(args.out, args.rows, cells, args.seed, today()))
    child.say(f"{args.rows:,} rows written to {args.out} in {seconds:.1f} s")
    child.emit({"rows": args.rows, "cells": len(cells), "seconds": seconds})


if __name__ == "__main__":
    main()
