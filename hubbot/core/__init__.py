"""The pure core: records, reading wikitext, rendering, changes. No I/O, no pywikibot,
no printing; imports nothing from hubbot but ``hubbot.core`` and ``hubbot.errors``."""
