"""The words of the hub registry: statuses (stages) and hub types.

The stage vocabulary is the one ``Hubs/Ongoing`` defines, plus the Hub Fund's and the
forms editors use for paused or closed hubs:

========================  =================  ============================================
written on the page        stage              meaning
========================  =================  ============================================
Research                   research           the need is being studied
Planning, Discussion,      planning           the community discusses and plans a hub
Planning / Discussion
Pre-pilot                  pre-pilot          Hub Fund: preparing a pilot
Pilot                      pilot              a resourced hub at experimental scale
Implementation             implementation     systematic steps to create the organisation
Operation, Operational     operation          Hub Fund: an operating hub
Paused, On hold,           paused             work stopped for now
Pilot (paused)
Closed, Discontinued,      closed             the hub will not go on
Dissolved
========================  =================  ============================================

A status is read only with certainty: exactly one stage named (a paused or closed word
wins over the stage it qualifies, "Pilot (paused)"), or an exact alias from the config.
Anything else ("{{Partial|Pilot}}", "Research or pilot?", an empty cell) is unknown and
reported; hubbot never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from hubbot.core.records import HubType, Stage

__all__ = ["normalize_alias", "parse_aliases", "read_stage", "read_types"]

_STAGE_WORDS: list[tuple[Stage, re.Pattern[str]]] = [
    (Stage.RESEARCH, re.compile(r"\bresearch(?:ing)?\b")),
    (Stage.PLANNING, re.compile(r"\b(?:planning|planned|discussions?)\b")),
    (Stage.PRE_PILOT, re.compile(r"\bpre\s*-?\s*pilot\b")),
    (Stage.PILOT, re.compile(r"(?<![-\w])(?<!pre )(?<!pre)pilot\b")),
    (Stage.IMPLEMENTATION, re.compile(r"\bimplementation\b")),
    (Stage.OPERATION, re.compile(r"\boperati(?:on|ng|onal)\b")),
]
_PAUSED = re.compile(r"\b(?:paused|on\s+hold|suspended|dormant)\b")
_CLOSED = re.compile(r"\b(?:closed|discontinued|dissolved|ended)\b")
_DOUBT = re.compile(r"\?|\b(?:or|maybe|perhaps|possibly|unclear)\b")


def normalize_alias(text: str) -> str:
    return " ".join(re.sub(r"[^\w?]+", " ", text.casefold()).split())


def read_stage(status: str, aliases: Mapping[str, Stage] | None = None,
               *, opaque: bool = False) -> Stage:
    """The stage a status text names with certainty; ``Stage.UNKNOWN`` otherwise.

    ``opaque`` says the cell holds a template hubbot cannot read (its text is not
    known), which makes any status unknown unless the alias table names it.
    """
    key = normalize_alias(status)
    if aliases and key in aliases:
        return aliases[key]
    if opaque or not key or _DOUBT.search(key):
        return Stage.UNKNOWN
    if _CLOSED.search(key):
        return Stage.CLOSED
    if _PAUSED.search(key):
        return Stage.PAUSED
    found = {stage for stage, pattern in _STAGE_WORDS if pattern.search(key)}
    return found.pop() if len(found) == 1 else Stage.UNKNOWN


_TYPE_WORDS = {"regional": HubType.REGIONAL, "region": HubType.REGIONAL,
               "thematic": HubType.THEMATIC, "theme": HubType.THEMATIC,
               "linguistic": HubType.LINGUISTIC, "language": HubType.LINGUISTIC}


def read_types(type_text: str) -> frozenset[HubType]:
    """Hub types named in a Type cell ("Regional & Thematic", "Thematic (linguistic)");
    empty when a part is not a known type word."""
    parts = [p for p in re.split(r"[^\w]+|\band\b", type_text.casefold()) if p]
    if not parts or any(p not in _TYPE_WORDS and p != "and" for p in parts):
        return frozenset()
    return frozenset(_TYPE_WORDS[p] for p in parts if p in _TYPE_WORDS)


def parse_aliases(raw: Mapping[str, str]) -> dict[str, Stage]:
    """Config aliases (``"In preparation" = "pre-pilot"``) to the lookup ``read_stage``
    uses. Raises ``ValueError`` naming an unknown stage."""
    out: dict[str, Stage] = {}
    for text, stage in raw.items():
        try:
            out[normalize_alias(text)] = Stage(stage)
        except ValueError:
            raise ValueError(f"unknown stage {stage!r} for alias {text!r}; one of "
                             + ", ".join(s.value for s in Stage)) from None
    return out
