"""hubbot: keep the Wikimedia Hubs pages on Meta-Wiki tidy and in sync.

The package is layered: a pure core (``records``, ``dates``, ``tables``, ``parse``,
``render``, ``templates``, ``changes``) that never does I/O, backends that talk to a wiki
or a directory of files (``wiki`` is the only module importing pywikibot), the sync
orchestration, and a thin CLI.
"""

__version__ = "0.1.0"
