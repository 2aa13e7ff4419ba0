"""A Hubs site of any size, for the request-counting tests and ``bench/requests_count.py``.

``hub_site(n)``: an events page, a registry of ``n`` hubs, one hub page per hub (each
with ``{{Hub status}}``), the summary page and the shutoff page: ``n + 4`` configured
pages, as Meta would have them. ``tidy(...)`` gives the texts hubbot would leave (by an
offline run), so that a wiki seeded with them starts converged: the first run there reads
everything and edits nothing.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

STAGES = ["Research", "Planning / Discussion", "Pilot", "Implementation"]
TYPES = ["Regional", "Thematic", "Regional & Thematic"]

EVENTS = """<languages/>
<translate>
== List of events about hubs == <!--T:20-->
</translate>
<!-- hubbot:events start -->
{| class="wikitable sortable"
! Date !! Event
|-
| 12 March 2022 || Hubs Global Conversations ([[Special:MyLanguage/Hubs/Global Conversations March 12, 2022|event page]])
|-
| November 27, 2021 || Hubs co-creation workshop ([[Special:MyLanguage/Hubs/Workshop November 27, 2021|event page]])
|}
<!-- hubbot:events end -->
"""


def registry(n: int, seed: int = 11) -> str:
    """A hub registry of ``n`` rows; hub ``i`` has the key ``hub-number-i``."""
    rng = random.Random(seed)
    rows = [f"|-\n| {rng.choice(TYPES)} || [[Hub {i}|Hub number {i}]] || || "
            f"{rng.choice(STAGES)} || Details of hub {i}.\n" for i in range(n)]
    return ("<!-- hubbot:hubs start -->\n{| class=\"wikitable\"\n! Type !! Scope !! Rough map"
            " !! Status !! Details\n" + "".join(rows) + "|}\n<!-- hubbot:hubs end -->\n")


def set_stage(registry_text: str, i: int, stage: str) -> str:
    """``registry_text`` with hub ``i``'s status cell set to ``stage``."""
    row = next(line for line in registry_text.splitlines() if f"Hub number {i}]]" in line)
    cells = row.split("||")
    cells[3] = f" {stage} "
    return registry_text.replace(row, "||".join(cells))


def hub_page(i: int) -> str:
    return (f"Hub {i}.\n{{{{Hub status|stage=research|type=regional|updated=2025-01-01}}}}\n"
            "More text.\n")


@dataclass
class HubSite:
    prefix: str
    n: int

    def t(self, name: str) -> str:
        return self.prefix + name

    @property
    def events(self) -> str:
        return self.t("Hubs")

    @property
    def registry(self) -> str:
        return self.t("Hubs/Ongoing")

    @property
    def summary(self) -> str:
        return self.t("Hubs/Summary")

    @property
    def shutoff(self) -> str:
        return self.t("Shutoff")

    def hub(self, i: int) -> str:
        return self.t(f"Hub {i}")

    def pages(self) -> dict[str, str]:
        out = {self.events: EVENTS, self.registry: registry(self.n),
               self.summary: "Counts:\n{{Hubs summary|total=0|updated=2025-01-01}}\n",
               self.shutoff: "run"}
        out.update({self.hub(i): hub_page(i) for i in range(self.n)})
        return out

    def config(self, state_path: str = "state.json", *, site: bool = True) -> str:
        """The configuration (``n + 4`` pages); ``[site]`` pointed at the local wiki."""
        head = '[site]\nfamily = "testwiki"\ncode = "testwiki"\n' if site else ""
        return (head + f'[bot]\nshutoff_page = "{self.shutoff}"\n'
                f'state_path = "{state_path}"\nlock_path = "{state_path}.lock"\n'
                f'[status]\nsummary_page = "{self.summary}"\n'
                f'[[pages]]\ntitle = "{self.events}"\ntables = ["events"]\n'
                f'[[pages]]\ntitle = "{self.registry}"\ntables = ["hubs"]\n'
                + "".join(f'[[hub_pages]]\ntitle = "{self.hub(i)}"\nhub = "hub-number-{i}"\n'
                          for i in range(self.n)))


def tidy(site: HubSite, today: date) -> dict[str, str]:
    """The pages as hubbot leaves them (an offline cron run over a copy)."""
    from hubbot.app.config import load_config
    from hubbot.app.sync import Sync
    from hubbot.backends.files import FilesBackend, title_to_filename

    with tempfile.TemporaryDirectory(prefix="hubbot-tidy-") as tmp:
        root = Path(tmp)
        (root / "pages").mkdir()
        for title, text in site.pages().items():
            (root / "pages" / title_to_filename(title)).write_text(text, encoding="utf-8")
        cfg = root / "hubbot.toml"
        cfg.write_text(site.config(str(root / "state.json"), site=False), encoding="utf-8")
        report = Sync(load_config(cfg), FilesBackend(root / "pages"), today=today).run()
        if report.exit_code != 0:
            raise RuntimeError(f"the scenario does not sync cleanly: {report.pages}")
        return {title: (root / "pages" / title_to_filename(title)).read_text(encoding="utf-8")
                for title in site.pages()}
