"""The dry run's review as Markdown (``--diff-file``), for a talk page or a pull request.
The on-wiki review of the same run is ``hubbot.core.review.render_review``."""

from __future__ import annotations

from hubbot.app.model import Outcome, RunReport


def review_markdown(report: RunReport, config_name: str) -> str:
    lines = [f"# hubbot review ({config_name})", ""]
    held = [p for p in report.pages if p.outcome is Outcome.HELD]
    if held:
        lines += ["## Held pages (reverted by a person: not edited until released)", ""]
        lines += [f"- {p.line()}" for p in held] + [""]
    if report.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in report.notes] + [""]
    if report.options:
        lines += ["## Options in effect", ""] + [f"- {o}" for o in report.options] + [""]
    lines += ["## Changes since the last run", ""]
    lines += [f"- {c}" for c in report.changes] or ["- none"]
    lines.append("")
    if report.problems:
        lines += ["## Problems", ""] + [f"- {p}" for p in report.problems] + [""]
    if report.notices:
        lines += ["## Notices", ""] + [f"- {n}" for n in report.notices] + [""]
    lines += ["## Edits", ""]
    edits = [p for p in report.pages if p.diff]
    if not edits:
        lines += ["No page would change.", ""]
    for page in edits:
        lines += [f"### {page.title}", "", f"Edit summary: `{page.summary}`", "",
                  "```diff", page.diff.rstrip("\n"), "```", ""]
    others = [p for p in report.pages if not p.diff and p.outcome is not Outcome.HELD]
    if others:
        lines += ["## Other pages", ""] + [f"- {p.line()}" for p in others] + [""]
    return "\n".join(lines)
