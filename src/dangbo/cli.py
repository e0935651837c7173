"""The ``dangbo`` command: Django's management commands under our own name.

``dangbo demo``, ``dangbo serve``, ``dangbo stats``, ``dangbo audit verify`` are management
commands of the apps; any other Django command (migrate, createsuperuser…) works too.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "dangbo"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
