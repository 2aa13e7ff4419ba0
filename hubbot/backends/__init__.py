"""The backends layer: where pages come from and go to. The ``Backend`` protocol
(``base``), a directory of files (``files``), Special:Export dumps (``dump``) and the wiki
(the ``wiki`` package, the only one that imports pywikibot). Imports the core and
``hubbot.errors``; never the app or the CLI."""
