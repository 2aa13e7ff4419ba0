"""The cli layer, the command line: arguments in, one call into the app (``hubbot.app``),
text or JSON out. Imports the app and ``hubbot.errors`` only."""
