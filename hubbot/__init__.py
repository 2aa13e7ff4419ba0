"""hubbot: keep the Wikimedia Hubs pages on Meta-Wiki tidy and in sync.

The package is layered, and its folders are the layers (imports only go down):
``core`` (pure: records, reading wikitext, rendering, changes; no I/O), ``backends``
(the ``Backend`` protocol, a folder of files, and ``wiki``: the only package importing
pywikibot), ``app`` (one run and its steps, the state, the config) and ``cli`` (arguments
in, one call into ``app``, text or JSON out). ``errors`` holds the one exception
hierarchy and its exit codes.
"""

__version__ = "0.1.0"
