"""The `knutpunkt` console script: manage.py with our settings as default.

Our own commands are written with hyphens (`knutpunkt verify-files`); Django's
command modules use underscores, so the first word is translated.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if argv and os.path.basename(argv[0]) in ("cli.py", "__main__.py"):
        argv[0] = "knutpunkt"  # `python -m knutpunkt.cli …` (as the demo starts its children) reads as the command
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    default_settings = "knutpunkt.settings.demo" if len(argv) > 1 and argv[1] == "demo" else "knutpunkt.settings.base"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
