"""Template calls in wikitext, as MediaWiki names them: the one call of a template on a
page, found with mwparserfromhell (the hub templates, the review and trigger templates,
the display templates a cell's visible text sees through, and a backend's template
checks all use these).
"""

from __future__ import annotations

import re

from mwparserfromhell.nodes import Template
from mwparserfromhell.wikicode import Wikicode

from hubbot.core.pages import wiki_title
from hubbot.errors import TemplateError

__all__ = ["TemplateAmbiguous", "TemplateMissing", "find_template",
           "normalize_template_name"]


class TemplateMissing(TemplateError):
    """The page has no call of the template."""

    def __init__(self, message: str) -> None:
        super().__init__("", message)


class TemplateAmbiguous(TemplateError):
    """The page calls the template more than once: hubbot will not guess which."""

    def __init__(self, message: str) -> None:
        super().__init__("", message)


def normalize_template_name(name: str) -> str:
    """MediaWiki's view of a template name: ``Template:`` prefix, underscores, spacing and
    the case of the first letter do not matter."""
    return wiki_title(re.sub(r"^\s*(?:template|tl)\s*:", "", name.replace("_", " "),
                             flags=re.IGNORECASE))


def find_template(code: Wikicode, template: str) -> Template:
    """The one call of ``template`` in ``code``. Raises ``TemplateMissing`` or
    ``TemplateAmbiguous``."""
    want = normalize_template_name(template)
    calls = [t for t in code.filter_templates(recursive=True)
             if normalize_template_name(str(t.name)) == want]
    if not calls:
        raise TemplateMissing(f"no {{{{{template}}}}} on the page; not editing")
    if len(calls) > 1:
        raise TemplateAmbiguous(f"{{{{{template}}}}} appears {len(calls)} times; not "
                                "editing")
    return calls[0]
