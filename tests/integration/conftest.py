"""Fixtures of the integration tests (the running wiki itself comes from
``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from tests.support import LOCAL_CONFIG, LOCAL_PAGES


@pytest.fixture
def site(local_wiki, tmp_path):
    """The local wiki, reset, seeded with the small page set, with a config for it at
    ``site.config_path``."""
    local_wiki.reset()
    local_wiki.seed(LOCAL_PAGES)
    (tmp_path / "hubbot.toml").write_text(LOCAL_CONFIG, encoding="utf-8")
    local_wiki.config_path = tmp_path / "hubbot.toml"
    return local_wiki
