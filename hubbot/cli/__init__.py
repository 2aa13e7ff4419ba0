"""The command line: arguments in, one call into ``hubbot.app``, text or JSON out."""
