"""The pure parts of on-wiki review: ids, escaping, reading approvals from history."""

from __future__ import annotations

from datetime import date

import mwparserfromhell

from hubbot.core.escape import escape_pre
from hubbot.core.pages import HistoryEntry
from hubbot.core.review import (
    PlannedEdit,
    approving_edit,
    read_review,
    render_review,
    review_id,
    set_review_status,
)

EDITS = [PlannedEdit("Hubs", 12, "new text", "hubbot: x", "-a\n+b </pre>{{x}}\n")]


def page(rid="R1", status="pending"):
    text = render_review(rid=rid, edits=EDITS, revisions={"Hubs": 12, "Hubs/Ongoing": 7},
                         changes=["Hubs: event added: X"], problems=[], today=date(2026, 1, 2))
    return text.replace("status=pending", f"status={status}")


def test_review_id_depends_on_exactly_the_change():
    two = [*EDITS, PlannedEdit("Hubs/Ongoing", 7, "registry", "hubbot: y", "")]
    # the same change planned in another order, with other summaries and diffs: same id
    again = [PlannedEdit(e.title, e.base_revid, e.new_text, "other summary", "other diff")
             for e in reversed(two)]
    assert review_id(again) == review_id(two)
    assert review_id(two) != review_id(EDITS)
    assert review_id(EDITS).startswith("R") and len(review_id(EDITS)) == 13
    other = [PlannedEdit("Hubs", 13, "new text", "hubbot: x", "")]
    assert review_id(other) != review_id(EDITS)
    assert review_id([PlannedEdit("Hubs", 12, "new text!", "", "")]) != review_id(EDITS)


def test_review_page_round_trips_and_the_diff_is_inert():
    text = page()
    state = read_review(text)
    assert state.rid == "R1" and state.status == "pending"
    assert state.revisions == {"Hubs": 12, "Hubs/Ongoing": 7}
    code = mwparserfromhell.parse(text)
    assert [str(t.name) for t in code.filter_templates()] == ["Hubbot review"]
    assert "</pre>" not in escape_pre("</pre>") and "{{" not in escape_pre("{{x}}")


def test_approval_is_the_edit_that_switched_the_status():
    history = [  # newest first
        HistoryEntry(4, "Editor", "t4", "comment", page(status="approved") + "\nok"),
        HistoryEntry(3, "Admin", "t3", "approve", page(status="approved")),
        HistoryEntry(2, "Bot", "t2", "review", page()),
    ]
    assert approving_edit(history, "R1").user == "Admin"
    assert approving_edit(history, "R2") is None
    assert approving_edit(history[:1], "R1").user == "Editor"  # no parent known


def test_set_status_keeps_the_rest():
    text = page(status="approved")
    out = set_review_status(text, "applied", "done")
    assert read_review(out).status == "applied" and out.endswith("done\n")
    assert out.replace("status=applied", "status=approved").startswith(text.rstrip("\n"))


def test_approval_is_read_from_the_whole_history_of_the_review():
    """Issue 12: a non-approver approves, an approver comments, then 19 filler edits: the
    approving edit is the non-approver's, however long the history."""
    from hubbot.app.approval import approver_of

    def rev(i, user, status, extra=""):
        return HistoryEntry(i, user, "t", "", f"{{{{Hubbot review|id=R1|status={status}}}}}"
                            + extra)

    history = [rev(100 - i, "Filler", "approved", f" filler {i}") for i in range(19)]
    history += [rev(81, "Editor", "approved", " comment"), rev(80, "Visitor", "approved"),
                rev(79, "Bot", "pending"), HistoryEntry(78, "Bot", "t", "", "older")]

    class Backend:
        def history(self, title, *, until=None):
            out = []
            for entry in history:  # as the wiki backend: newest first, until included
                out.append(entry)
                if until is not None and until(entry):
                    break
            return out

    found = approver_of(Backend(), "Review", "R1")
    assert found is not None and found.user == "Visitor"
