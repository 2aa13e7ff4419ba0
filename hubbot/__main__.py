"""``python -m hubbot``."""

from hubbot.cli.main import run

run()
