"""The pure core: records, reading wikitext, rendering, changes. No I/O, no pywikibot,
no printing; imports nothing from hubbot but ``hubbot.core`` and ``hubbot.errors``.

Two stages, each a package whose docstring tells its pipeline: ``read`` (masking →
scanning tables → a cell's visible text → rows and sections → fields of each kind → the
page: ``parse_page``) and ``write`` (order → date cell edits → render: ``render_page``).
The modules beside them are shared by both stages and the app: records, dates, options,
regions, units, vocabulary, changes, codec, data, history, reverts, review, escape,
pages, templates, hub templates, the report page.
"""
