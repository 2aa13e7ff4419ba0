"""Faults a local wiki cannot produce, injected with ``responses`` into the real traffic:
every request passes through to the real MediaWiki except the ones a test picks."""

from __future__ import annotations

import pytest
import requests
import responses

from hubbot.app.model import Outcome
from hubbot.errors import WikiError
from tests.support import LOCAL_PAGES as PAGES
from tests.support import edit_of, make_sync, new_revisions, stored_state, when

pytestmark = pytest.mark.wiki


def content_read(p):
    return p.get("action") == "query" and "content" in p.get("rvprop", "")


@pytest.fixture
def faults(site):  # noqa: F811
    from hubbot.backends.wiki import WikiBackend

    backend = WikiBackend("testwiki", "testwiki", max_retries=2, retry_wait=1)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_passthru("http://127.0.0.1")
        yield rsps, backend
    backend.close()


def state_pages(site) -> dict:  # noqa: F811
    path = site.config_path.parent / "state.json"
    return stored_state(path).get("pages", {})


def test_503_on_one_save_is_retried_then_fails_that_page_only(site, faults):  # noqa: F811
    rsps, backend = faults
    rsps.add(responses.POST, site.api_url, status=503, body="Service Unavailable",
             match=[when(edit_of("Hubs"))])
    sync, _ = make_sync(site, backend=backend)
    report = sync.run()
    outcome = {p.title: p for p in report.pages}
    assert outcome["Hubs"].outcome is Outcome.FAILED
    assert outcome["Hubs"].message.startswith("not saved: ")
    assert outcome["Wikimedia CEE Hub"].outcome is Outcome.SAVED
    assert report.exit_code == 1
    assert new_revisions(site, "Hubs") == [] and site.text("Hubs") == PAGES["Hubs"].rstrip()
    assert "Hubs" not in state_pages(site) and "Wikimedia CEE Hub" in state_pages(site)


def test_timeout_on_the_batched_read_writes_nothing(site, faults):  # noqa: F811
    rsps, backend = faults
    rsps.add(responses.POST, site.api_url, body=requests.exceptions.ReadTimeout("timed out"),
             match=[when(content_read)])
    sync, _ = make_sync(site, backend=backend)
    with pytest.raises(WikiError) as exc:
        sync.run()
    assert exc.value.exit_code == 1 and "\n" not in str(exc.value)
    assert all(new_revisions(site, t) == [] for t in PAGES)
    assert state_pages(site) == {}


def test_maxlag_is_waited_out(site, faults):  # noqa: F811
    rsps, backend = faults
    rsps.add(responses.POST, site.api_url, status=200, headers={"Retry-After": "1"},
             json={"error": {"code": "maxlag", "info": "Waiting for db1: 7 seconds lagged",
                             "host": "db1", "lag": 7}},
             match=[when(content_read, times=1)])
    sync, _ = make_sync(site, backend=backend)
    report = sync.run()
    assert report.exit_code == 0
    assert [r["user"] for r in new_revisions(site, "Hubs")] == ["Bot"]


def test_badtoken_is_refreshed_and_the_save_goes_through(site, faults):  # noqa: F811
    rsps, backend = faults
    rsps.add(responses.POST, site.api_url, status=200,
             json={"error": {"code": "badtoken", "info": "Invalid CSRF token."}},
             match=[when(edit_of("Hubs"), times=1)])
    sync, _ = make_sync(site, backend=backend)
    report = sync.run()
    assert report.exit_code == 0, [p.line() for p in report.pages]
    assert [r["user"] for r in new_revisions(site, "Hubs")] == ["Bot"]


def test_api_error_on_one_page_while_others_succeed(site, faults):  # noqa: F811
    rsps, backend = faults
    rsps.add(responses.POST, site.api_url, status=200,
             json={"error": {"code": "hookaborted",
                             "info": "The modification you tried to make was aborted by "
                                     "an extension."}},
             match=[when(edit_of("Wikimedia CEE Hub"))])
    sync, _ = make_sync(site, backend=backend)
    report = sync.run()
    outcome = {p.title: p for p in report.pages}
    assert outcome["Wikimedia CEE Hub"].outcome is Outcome.FAILED
    assert outcome["Wikimedia CEE Hub"].message == (
        "API error hookaborted: The modification you tried to make was aborted by an "
        "extension.")
    assert outcome["Hubs"].outcome is Outcome.SAVED
    assert report.exit_code == 1
    assert new_revisions(site, "Wikimedia CEE Hub") == []
