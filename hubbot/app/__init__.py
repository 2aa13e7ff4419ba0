"""One run and its steps (plan, apply, state, review, trigger), over a backend. Imports
the core and the backends' protocol; never the CLI."""
