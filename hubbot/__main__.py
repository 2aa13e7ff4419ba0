"""``python -m hubbot``."""

from hubbot.cli.start import run

run()
