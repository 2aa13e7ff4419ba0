"""The wiki backend, part of the backends layer: the only package that imports pywikibot
(only inside its functions, so importing it starts nothing). It may import
``hubbot.backends``, ``hubbot.core`` and ``hubbot.errors``; never the app or the CLI.

- ``process``: pywikibot's process-wide setup (its directory, global options, no
  prompts, quiet retries);
- ``failures``: a failed request in one line, with its hidden cause, no credential;
- ``connection``: the site, logged in, requests counted and sent;
- ``reads``: batched revisions, texts, protection, ``{{nobots}}``, old revisions, groups;
- ``saves``: the edit with its conflict check, page creation, the interactive question;
- ``history``: a page's revisions with texts (reverts, ``hubbot history``);
- ``backend``: ``WikiBackend``, composed of those, and ``open_wiki``.
"""

from hubbot.backends.wiki.backend import WikiBackend, open_wiki
from hubbot.backends.wiki.process import url_family_name

__all__ = ["WikiBackend", "open_wiki", "url_family_name"]
