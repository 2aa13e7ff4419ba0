"""``python -m hubbot``."""

from hubbot.cli import run

run()
