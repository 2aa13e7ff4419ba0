"""Where pages come from and go to: the ``Backend`` protocol, a directory of files, and
the wiki (``wiki.py``, the only module that imports pywikibot)."""
