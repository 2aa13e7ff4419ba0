"""The app layer: one run and its steps (plan, apply, state, review, trigger), over a
backend. Imports the backends and the core (and ``hubbot.errors``); never the CLI, never
pywikibot (the wiki backend opens the wiki)."""
