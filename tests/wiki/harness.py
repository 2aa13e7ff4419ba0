"""A real MediaWiki 1.39 on loopback for the integration tests (and ``make demo``).

MediaWiki's files come from Debian's packages, unpacked by ``.ci/install-system.sh`` into
``.mediawiki/dist``; the wiki itself is private to one work directory: SQLite database,
``LocalSettings.php``, served by PHP's built-in server on a free port of 127.0.0.1. Two
accounts: ``Bot`` (bot + sysop, logs in with a BotPassword through pywikibot) and
``Editor`` (a plain user, edits with plain ``requests`` to play the human).

Use from ``tests/conftest.py``: ``bring_up(base_dir)`` in ``pytest_configure`` (it sets
``PYWIKIBOT_DIR`` before anything imports pywikibot), ``wiki.stop()`` in
``pytest_unconfigure``; ``wiki.reset()`` restores the pristine database between tests.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import requests

from tests.wiki.meta_templates import TRANSLATE_SHIM_PHP, write_template_files

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MW = REPO / ".mediawiki" / "dist" / "usr" / "share" / "mediawiki"
ADMIN_PASSWORD = "AdminPassword123!"
EDITOR_PASSWORD = "EditorPassword123!"


def mediawiki_path() -> Path:
    return Path(os.environ.get("HUBBOT_MW_PATH", DEFAULT_MW))


def available() -> tuple[bool, str]:
    """Whether a local wiki can be brought up here, and if not, why."""
    if shutil.which("php") is None:
        return False, "php is not installed (run: make system, as root)"
    if not (mediawiki_path() / "maintenance" / "install.php").is_file():
        return False, f"MediaWiki files not found at {mediawiki_path()} (run: make system)"
    return True, ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalWiki:
    """One private wiki. Create with ``LocalWiki.install(workdir)``."""

    def __init__(self, workdir: Path, port: int) -> None:
        self.workdir = workdir
        self.port = port
        self.mw = mediawiki_path()
        self.api_url = f"http://127.0.0.1:{port}/api.php"
        self.bot_user = "Bot"
        self.bot_appid = "ci"
        self.bot_secret = secrets.token_hex(16)  # ^[0-9a-w]{32,}$ as MediaWiki wants
        self.editor_user = "Editor"
        self.editor_password = EDITOR_PASSWORD
        self.pywikibot_dir = workdir / "pywikibot"
        self.server: subprocess.Popen[bytes] | None = None
        self._editor: requests.Session | None = None
        self._admin: requests.Session | None = None
        self._users: dict[str, requests.Session] = {}

    # --- set-up ---------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["MW_CONFIG_FILE"] = str(self.workdir / "LocalSettings.php")
        env["MW_INSTALL_PATH"] = str(self.mw)
        return env

    def _php(self, script: str, *args: str) -> None:
        cmd = ["php", str(self.mw / "maintenance" / script), *args]
        result = subprocess.run(cmd, env=self._env(), capture_output=True, text=True,
                                timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"{script} failed: {result.stdout[-2000:]}"
                               f"{result.stderr[-2000:]}")

    @classmethod
    def install(cls, workdir: Path) -> LocalWiki:
        ok, why = available()
        if not ok:
            raise RuntimeError(why)
        workdir.mkdir(parents=True, exist_ok=True)
        wiki = cls(workdir, _free_port())
        data = workdir / "data"
        data.mkdir(exist_ok=True)
        wiki._php("install.php", "--quiet", "--dbtype", "sqlite", "--dbpath", str(data),
                  "--dbname", "testwiki", "--server", f"http://127.0.0.1:{wiki.port}",
                  "--scriptpath", "", "--confpath", str(workdir), "--lang", "en",
                  "--skins", "Vector", "--extensions", "ParserFunctions,Cite",
                  "--pass", ADMIN_PASSWORD, "TestWiki", "Admin")
        with open(workdir / "LocalSettings.php", "a", encoding="utf-8") as fh:
            fh.write(f"""
# --- hubbot test harness ---
$wgUploadDirectory = "{workdir}/images";
$wgCacheDirectory = "{workdir}/cache";
$wgDBerrorLog = "{workdir}/dberror.log";
$wgDebugLogGroups = [];
$wgEnableEmail = false;
$wgEnableUploads = false;
$wgPasswordAttemptThrottle = [];
$wgRateLimits = [];
$wgAccountCreationThrottle = [];
$wgMainCacheType = CACHE_NONE;
$wgJobRunRate = 0;
$wgShowExceptionDetails = true;
$wgEnableBotPasswords = true;
$wgGroupPermissions['*']['edit'] = false;
wfLoadExtension('Scribunto');
$wgScribuntoDefaultEngine = 'luastandalone';
$wgScribuntoEngineConf['luastandalone']['luaPath'] = '{shutil.which("lua5.1") or "/usr/bin/lua5.1"}';
""")
            fh.write(TRANSLATE_SHIM_PHP)
        wiki._php("createAndPromote.php", "--bot", "--sysop", wiki.bot_user, ADMIN_PASSWORD)
        wiki._php("createAndPromote.php", wiki.editor_user, EDITOR_PASSWORD)
        wiki._php("createAndPromote.php", "Visitor", EDITOR_PASSWORD)
        wiki._php("createBotPassword.php", "--appid", wiki.bot_appid, "--grants",
                  "basic,highvolume,editpage,editprotected,protect,createeditmovepage",
                  wiki.bot_user, wiki.bot_secret)
        # Meta's display templates, in the pristine database so that reset() keeps them
        wiki._php("importTextFiles.php", "--prefix", "Template:", "--user", "Admin",
                  "--summary", "Meta display templates",
                  *map(str, write_template_files(workdir / "meta-templates")))
        for name in os.listdir(data):
            if name.endswith(".sqlite"):
                shutil.copy2(data / name, data / (name + ".pristine"))
        wiki.write_pywikibot_config()
        wiki.start()
        return wiki

    def write_pywikibot_config(self) -> None:
        d = self.pywikibot_dir
        d.mkdir(parents=True, exist_ok=True)
        (d / "user-config.py").write_text(f"""
family_files['testwiki'] = {self.api_url!r}
family = 'testwiki'
mylang = 'testwiki'
usernames['testwiki']['testwiki'] = {self.bot_user!r}
password_file = 'user-password.py'
put_throttle = 0
minthrottle = 0
maxthrottle = 1
max_retries = 2
retry_wait = 1
retry_max = 2
socket_timeout = (3, 15)
noisysleep = 600.0
""", encoding="utf-8")
        pw = d / "user-password.py"
        pw.write_text(f"({self.bot_user!r}, BotPassword({self.bot_appid!r}, "
                      f"{self.bot_secret!r}))\n", encoding="utf-8")
        pw.chmod(0o600)

    # --- server ---------------------------------------------------------------------

    def start(self) -> None:
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 (the server's stdout)
        self.server = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.mw)],
            env=self._env(), stdout=log, stderr=log, stdin=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                r = requests.get(self.api_url, params={"action": "query", "meta": "siteinfo",
                                                       "format": "json"}, timeout=2)
                if r.ok and "query" in r.json():
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"MediaWiki did not answer on {self.api_url}")

    def stop(self) -> None:
        if self.server is not None:
            try:
                os.killpg(self.server.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.server.wait(timeout=10)
            self.server = None

    def reset(self) -> None:
        """Back to the freshly installed wiki: accounts kept, no pages.

        Only the wiki's own database is restored; the object cache (where MediaWiki keeps
        sessions) is not, so logged-in sessions, pywikibot's included, stay valid.
        """
        data = self.workdir / "data"
        for name in ("testwiki.sqlite", "testwiki_jobqueue.sqlite"):
            shutil.copy2(data / (name + ".pristine"), data / name)

    # --- plain-HTTP helpers (the "humans" of the tests) -------------------------------

    def _login(self, user: str, password: str) -> requests.Session:
        s = requests.Session()
        token = s.get(self.api_url, params={"action": "query", "meta": "tokens",
                                            "type": "login", "format": "json"},
                      timeout=10).json()["query"]["tokens"]["logintoken"]
        r = s.post(self.api_url, data={"action": "clientlogin", "username": user,
                                       "password": password, "logintoken": token,
                                       "loginreturnurl": "http://127.0.0.1/",
                                       "format": "json"}, timeout=10).json()
        if r.get("clientlogin", {}).get("status") != "PASS":
            raise RuntimeError(f"login as {user} failed: {r}")
        return s

    def admin(self) -> requests.Session:
        if self._admin is None:
            self._admin = self._login("Admin", ADMIN_PASSWORD)
        return self._admin

    def editor(self) -> requests.Session:
        if self._editor is None:
            self._editor = self._login(self.editor_user, EDITOR_PASSWORD)
        return self._editor

    def _csrf(self, s: requests.Session) -> str:
        return s.get(self.api_url, params={"action": "query", "meta": "tokens",
                                           "format": "json"},
                     timeout=10).json()["query"]["tokens"]["csrftoken"]

    def session(self, user: str) -> requests.Session:
        """A logged-in session of a plain user (Editor, Visitor)."""
        if user not in self._users:
            self._users[user] = self._login(user, EDITOR_PASSWORD)
        return self._users[user]

    def edit(self, title: str, text: str, summary: str = "test edit", *,
             as_editor: bool = False, as_user: str | None = None) -> dict[str, Any]:
        s = (self.session(as_user) if as_user else
             self.editor() if as_editor else self.admin())
        r = s.post(self.api_url, data={"action": "edit", "title": title, "text": text,
                                       "summary": summary, "token": self._csrf(s),
                                       "format": "json"}, timeout=30).json()
        if r.get("edit", {}).get("result") != "Success":
            raise RuntimeError(f"edit of {title} failed: {r}")
        return r["edit"]

    def seed(self, pages: dict[str, str]) -> None:
        """Create or replace ``pages`` as Admin (one CSRF token for all of them)."""
        s = self.admin()
        token = self._csrf(s)
        for title, text in pages.items():
            r = s.post(self.api_url, data={"action": "edit", "title": title, "text": text,
                                           "summary": "seed", "token": token,
                                           "format": "json"}, timeout=30).json()
            if r.get("edit", {}).get("result") != "Success":
                raise RuntimeError(f"edit of {title} failed: {r}")

    def protect(self, title: str, level: str = "sysop") -> None:
        s = self.admin()
        r = s.post(self.api_url, data={"action": "protect", "title": title,
                                       "protections": f"edit={level}",
                                       "token": self._csrf(s), "format": "json"},
                   timeout=30).json()
        if "protect" not in r:
            raise RuntimeError(f"protect {title} failed: {r}")

    def dump(self, path: Path, titles: list[str] | None = None) -> Path:
        """Every page (or ``titles``) with every revision, as Special:Export XML
        (``maintenance/dumpBackup.php --full``)."""
        cmd = ["php", str(self.mw / "maintenance" / "dumpBackup.php"), "--full", "--quiet"]
        if titles:
            pagelist = self.workdir / "dump-pages.txt"
            pagelist.write_text("\n".join(titles) + "\n", encoding="utf-8")
            cmd.append(f"--pagelist={pagelist}")
        with open(path, "wb") as fh:
            result = subprocess.run(cmd, env=self._env(), stdout=fh,
                                    stderr=subprocess.PIPE, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"dumpBackup.php failed: {result.stderr[-2000:]!r}")
        return path

    def api(self, **params: Any) -> dict[str, Any]:
        params.setdefault("format", "json")
        params.setdefault("formatversion", "2")
        return requests.get(self.api_url, params=params, timeout=30).json()

    def text(self, title: str) -> str | None:
        page = self.api(action="query", prop="revisions", titles=title, rvprop="content",
                        rvslots="main")["query"]["pages"][0]
        if page.get("missing"):
            return None
        return page["revisions"][0]["slots"]["main"]["content"]

    def history(self, title: str) -> list[dict[str, Any]]:
        """Revisions newest first: revid, user, comment, and whether it was a bot edit."""
        page = self.api(action="query", prop="revisions", titles=title, rvlimit=50,
                        rvprop="ids|user|comment|timestamp")["query"]["pages"][0]
        revs = page.get("revisions", [])
        rc = self.api(action="query", list="recentchanges", rctitle=title, rclimit=50,
                      rcprop="ids|flags")["query"]["recentchanges"]
        bots = {c["revid"]: c.get("bot", False) for c in rc}
        return [{**r, "bot": bots.get(r["revid"], False)} for r in revs]

    def render(self, wikitext: str) -> str:
        """MediaWiki's own HTML for ``wikitext`` (action=parse)."""
        r = requests.post(self.api_url, data={"action": "parse", "text": wikitext,
                                              "contentmodel": "wikitext", "prop": "text",
                                              "format": "json", "formatversion": "2"},
                          timeout=30).json()
        return r["parse"]["text"]


def bring_up(base_dir: Path) -> LocalWiki:
    """Install and start a wiki under ``base_dir``; point pywikibot at it.

    Sets ``PYWIKIBOT_DIR`` (and the no-user-config guard off) before pywikibot is
    imported anywhere: call it from ``pytest_configure``.
    """
    wiki = LocalWiki.install(base_dir)
    os.environ["PYWIKIBOT_DIR"] = str(wiki.pywikibot_dir)
    os.environ.pop("PYWIKIBOT_NO_USER_CONFIG", None)
    return wiki
