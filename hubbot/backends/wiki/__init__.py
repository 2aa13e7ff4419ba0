"""The wiki backend (layer: backends): the only package that imports pywikibot."""

from hubbot.backends.wiki.backend import WikiBackend
from hubbot.backends.wiki.process import url_family_name

__all__ = ["WikiBackend", "url_family_name"]
