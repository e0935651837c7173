"""``dangbo help``: dangbo's own commands first, each with its line of Vietnamese, then
Django's developer commands apart; an unknown command answered in Vietnamese."""

from __future__ import annotations

import sys
from difflib import get_close_matches

from django.core.management import ManagementUtility, get_commands, load_command_class


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


class DangboUtility(ManagementUtility):
    """Django's ``ManagementUtility`` with dangbo's help and refusals."""

    operator_order: tuple[str, ...] = ()
    foreign_help: dict[str, str] = {}

    def operator_commands(self) -> list[tuple[str, str]]:
        """(name, one line of Vietnamese) for dangbo's commands and the few Django ones an
        operator needs, in the order of ``operator_order`` then by name."""
        commands = get_commands()
        rows = []
        for name, app in commands.items():
            if name in self.foreign_help:
                rows.append((name, self.foreign_help[name]))
            elif isinstance(app, str) and app.startswith("dangbo."):
                rows.append((name, _first_line(load_command_class(app, name).help)))
        order = {name: i for i, name in enumerate(self.operator_order)}
        return sorted(rows, key=lambda row: (order.get(row[0], len(order)), row[0]))

    def main_help_text(self, commands_only: bool = False) -> str:
        ours = self.operator_commands()
        names = {name for name, _ in ours}
        others = sorted(name for name in get_commands() if name not in names)
        if commands_only:
            return "\n".join([name for name, _ in ours] + others)
        width = max(len(name) for name, _ in ours)
        lines = [
            f"Cách dùng: {self.prog_name} <lệnh> [tuỳ chọn] [tham số]",
            f"Gõ “{self.prog_name} help <lệnh>” để xem hướng dẫn của một lệnh; "
            f"“{self.prog_name} --version” in phiên bản.",
            "",
            "Lệnh của dangbo:",
            *(f"    {name.ljust(width)}  {text}" for name, text in ours),
            "",
            "Lệnh của Django (cho người phát triển):",
            *(f"    {name}" for name in others),
        ]
        return "\n".join(lines)

    def fetch_command(self, subcommand: str):
        if subcommand not in get_commands():
            close = get_close_matches(subcommand, get_commands())
            hint = f" Có phải “{close[0]}”?" if close else ""
            sys.stderr.write(
                f"Không có lệnh “{subcommand}”.{hint}\n"
                f"Gõ “{self.prog_name} help” để xem các lệnh.\n"
            )
            sys.exit(1)
        return super().fetch_command(subcommand)
