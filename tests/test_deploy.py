"""Deployment files, checked by parsing them (no Docker engine or cluster needed).

Dockerfile (simple line parser), .dockerignore, compose.yaml, deploy/nginx/nginx.conf (text), deploy/k8s/*.yaml
(pyyaml) and .streamlit/config.toml (tomllib): non-root, health checks on /_stcore/health, websockets and sticky
sessions behind the load balancers, zero-unavailable rollouts, hardened Streamlit settings, no committed secrets.
"""

from __future__ import annotations

import base64
import fnmatch
import re
import tomllib
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "compose.yaml"
NGINX_CONF = ROOT / "deploy" / "nginx" / "nginx.conf"
K8S = ROOT / "deploy" / "k8s"
CONFIG_TOML = ROOT / ".streamlit" / "config.toml"
HOSTING_MD = ROOT / "docs" / "hosting.md"

HEALTH_PATH = "/_stcore/health"
PORT = 8501
UID = 10001
PLACEHOLDER = "change-me"
CMD = ["streamlit", "run", "streamlit_app.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
APP_PATHS = [
    "streamlit_app.py",
    "pages",
    "dashboard",
    "data/CURRENT",
    "data/releases",
    ".streamlit",
    "requirements.txt",
]


# ---------------------------------------------------------------------------------------------------------------
# parsers
# ---------------------------------------------------------------------------------------------------------------


def parse_dockerfile(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs; comments dropped, `\\` continuations joined."""
    out: list[tuple[str, str]] = []
    buf = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if buf and line.startswith("#"):  # comment lines inside a continuation are ignored by Docker
            continue
        if line.endswith("\\"):
            buf += line[:-1].strip() + " "
            continue
        buf += line
        instr, _, args = buf.strip().partition(" ")
        out.append((instr.upper(), args.strip()))
        buf = ""
    assert not buf, "Dockerfile ends inside a line continuation"
    return out


def final_stage(instrs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (ins, _) in enumerate(instrs) if ins == "FROM")
    return instrs[last_from:]


def exec_form(args: str) -> list[str]:
    """The JSON array of an exec-form CMD / HEALTHCHECK CMD."""
    import json

    start = args.index("[")
    return json.loads(args[start:])


def parse_env(args: str) -> dict[str, str]:
    """ENV key=value pairs (quotes allowed); the legacy `ENV key value` form too."""
    import shlex

    parts = shlex.split(args)
    if parts and "=" not in parts[0]:
        return {parts[0]: " ".join(parts[1:])}
    return dict(p.split("=", 1) for p in parts)


def load_yaml_docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def k8s_objects() -> list[dict]:
    objs: list[dict] = []
    for p in sorted(K8S.glob("*.yaml")):
        objs += load_yaml_docs(p)
    return objs


def k8s_one(kind: str, *, example: bool = False) -> dict:
    objs = [o for o in k8s_objects() if o.get("kind") == kind]
    assert len(objs) == 1, f"expected exactly one {kind} in deploy/k8s, found {len(objs)}"
    return objs[0]


def nginx_text() -> str:
    """nginx.conf without comments."""
    return "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in NGINX_CONF.read_text(encoding="utf-8").splitlines())


def nginx_block(text: str, header_regex: str) -> str:
    """The body of the first `<header> { ... }` block (brace-matched)."""
    m = re.search(header_regex + r"\s*\{", text)
    assert m, f"no block matching {header_regex!r} in nginx.conf"
    depth, i = 1, m.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[m.end() : i - 1]


def seconds(value: str) -> int:
    m = re.fullmatch(r"(\d+)(ms|s|m|h)?", value.strip())
    assert m, f"not an nginx time: {value!r}"
    n, unit = int(m.group(1)), m.group(2) or "s"
    return {"ms": n // 1000, "s": n, "m": n * 60, "h": n * 3600}[unit]


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def compose_env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
    return env


def healthcheck_cmd(test) -> str:
    return " ".join(test) if isinstance(test, list) else str(test)


# ---------------------------------------------------------------------------------------------------------------
# Dockerfile and .dockerignore
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


def test_dockerfile_base_image_is_python_311_slim(dockerfile):
    froms = [args.split()[0] for ins, args in dockerfile if ins == "FROM"]
    assert froms, "no FROM"
    assert all(f == "python:3.11-slim" for f in froms), froms


def test_dockerfile_runs_as_non_root_uid_10001(dockerfile):
    stage = final_stage(dockerfile)
    users = [args for ins, args in stage if ins == "USER"]
    assert users, "the runtime stage never sets USER: the app would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), users[-1]
    runs = " ".join(args for ins, args in stage if ins == "RUN")
    if user.isdigit():
        assert int(user) == UID
    else:  # a name: it must be created with the uid
        assert re.search(rf"useradd\b[^;&]*--uid[ =]{UID}\b[^;&]*\b{re.escape(user)}\b", runs)
    assert re.search(rf"useradd\b[^;&]*--uid[ =]{UID}\b", runs), "no user created with uid 10001"
    # The last instruction that could change the user before CMD is that USER.
    last_user = max(i for i, (ins, _) in enumerate(stage) if ins == "USER")
    cmd = max(i for i, (ins, _) in enumerate(stage) if ins == "CMD")
    assert last_user < cmd


def test_dockerfile_installs_requirements_without_cache(dockerfile):
    runs = [args for ins, args in final_stage(dockerfile) if ins == "RUN"]
    assert any(re.search(r"pip install --no-cache-dir -r \S*requirements\.txt", r) for r in runs), runs


def test_dockerfile_copies_the_app_and_the_release(dockerfile):
    sources: list[str] = []
    for ins, args in dockerfile:
        if ins == "COPY" and "--from" not in args:
            words = [w for w in args.split() if not w.startswith("--")]
            sources += [w.rstrip("/") for w in words[:-1]]
    for needed in APP_PATHS:
        assert needed in sources, f"Dockerfile does not COPY {needed}"
    assert "data/sources" not in sources and "data" not in sources and "." not in sources
    # Probe 4d: static/ is copied file by file, exactly the allow-list, never as a directory (whatever else is in
    # the build context, a .DS_Store, an editor backup, a page, would be served).
    from tests.test_server_posture import STATIC_FILES

    # The one directory copied whole is static/feeds, which holds only well-formed *.atom files of our own
    # (tests/test_server_posture.py::static_problems) and no dotfile (.dockerignore).
    static = sorted(s for s in sources if s == "static" or s.startswith("static/"))
    assert static == sorted([*(f"static/{f}" for f in STATIC_FILES), "static/feeds"]), static


def test_dockerfile_copy_sources_exist():
    """`docker build` fails on a missing COPY source: every one must exist in the repo."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    srcs = set()
    for ins, args in parse_dockerfile(text):
        if ins == "COPY" and "--from" not in args:
            srcs |= {w.rstrip("/") for w in [w for w in args.split() if not w.startswith("--")][:-1]}
    assert {"pages", "streamlit_app.py", "requirements.txt", "dashboard"} <= srcs, sorted(srcs)
    missing = sorted(s for s in srcs if not (ROOT / s).exists())
    assert not missing, f"COPY sources missing: {missing}"


def test_dockerfile_data_is_baked_read_only(dockerfile):
    runs = " ".join(args for ins, args in dockerfile if ins == "RUN")
    assert re.search(r"chmod 0?444", runs), "app and data files are not made read-only"
    assert re.search(r"chmod 0?555", runs), "directories are not made read-only"
    # The runtime stage copies the frozen tree from the first stage (keeping modes, owned by root).
    copies = [args for ins, args in final_stage(dockerfile) if ins == "COPY"]
    assert any("--from=" in c and "--chown" not in c for c in copies)


def test_dockerfile_keeps_the_served_release_and_its_digest_record(dockerfile, tmp_path):
    """The first stage's data step, run by sh on a copy: it keeps the served release and its digest record (which
    the app requires, dashboard/integrity.py), drops the others, and refuses a release without its record."""
    import os
    import subprocess
    import sys

    (step,) = [args for ins, args in dockerfile if ins == "RUN" and "data/CURRENT" in args]
    rel = tmp_path / "data" / "releases"
    rel.mkdir(parents=True)
    (tmp_path / "dashboard").mkdir()
    (tmp_path / ".streamlit").mkdir()
    for name in ("atlas-2026-01-01-aaaaaaaaaaaa", "atlas-2026-02-01-bbbbbbbbbbbb"):
        (rel / f"{name}.duckdb").write_bytes(b"db")
        (rel / f"{name}.digest.json").write_text("{}")
    (rel / ".atlas-2026-01-01-aaaaaaaaaaaa.duckdb.superseded").write_text("")
    (tmp_path / "data" / "CURRENT").write_text("releases/atlas-2026-02-01-bbbbbbbbbbbb.duckdb\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    res = subprocess.run(["sh", "-c", step], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in rel.iterdir()) == [
        "atlas-2026-02-01-bbbbbbbbbbbb.digest.json",
        "atlas-2026-02-01-bbbbbbbbbbbb.duckdb",
    ]
    bare = tmp_path / "bare"
    (bare / "data" / "releases").mkdir(parents=True)
    (bare / "data" / "releases" / "atlas-2026-02-01-bbbbbbbbbbbb.duckdb").write_bytes(b"db")
    (bare / "data" / "CURRENT").write_text("releases/atlas-2026-02-01-bbbbbbbbbbbb.duckdb\n")
    res = subprocess.run(["sh", "-c", step], cwd=bare, capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 1 and "has no digest record" in res.stderr, res.stderr
    for d in (tmp_path, bare):  # the step froze the tree read-only
        subprocess.run(["chmod", "-R", "u+w", str(d)], check=False)


def test_dockerfile_healthcheck_uses_python_urllib_on_stcore_health(dockerfile):
    hcs = [args for ins, args in final_stage(dockerfile) if ins == "HEALTHCHECK"]
    assert len(hcs) == 1
    hc = hcs[0]
    assert "CMD" in hc
    cmd = " ".join(exec_form(hc)) if "[" in hc else hc
    assert f"http://127.0.0.1:{PORT}{HEALTH_PATH}" in cmd
    assert "urllib" in cmd and "python" in cmd
    assert "curl" not in cmd and "wget" not in cmd


def test_dockerfile_exposes_8501_and_runs_streamlit(dockerfile):
    stage = final_stage(dockerfile)
    exposed = [p.split("/")[0] for ins, args in stage if ins == "EXPOSE" for p in args.split()]
    assert str(PORT) in exposed
    cmds = [args for ins, args in stage if ins == "CMD"]
    assert len(cmds) == 1 and exec_form(cmds[0]) == CMD
    assert not [a for ins, a in stage if ins == "ENTRYPOINT"], "an ENTRYPOINT would change what CMD runs"


def test_dockerfile_streamlit_settings_and_no_baked_cookie_secret(dockerfile):
    env: dict[str, str] = {}
    for ins, args in final_stage(dockerfile):
        if ins == "ENV":
            env.update(parse_env(args))
    assert env.get("STREAMLIT_SERVER_HEADLESS") == "true"
    assert env.get("STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION") == "true"
    assert env.get("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS") == "none"
    # The client-message cap (probe 3i) is the same in the image as in .streamlit/config.toml.
    cfg = tomllib.loads(CONFIG_TOML.read_text(encoding="utf-8"))
    assert env.get("STREAMLIT_SERVER_MAX_WIDGET_STATE_SIZE") == str(cfg["server"]["maxWidgetStateSize"]) == "1"
    assert env.get("STREAMLIT_SERVER_MAX_MESSAGE_SIZE") == str(cfg["server"]["maxMessageSize"]) == "8"
    for ins, args in dockerfile:
        if ins in ("ENV", "ARG", "LABEL"):
            assert "COOKIE_SECRET" not in args.upper() and "cookiesecret" not in args.lower(), (ins, args)
        if ins in ("RUN", "CMD", "ENTRYPOINT"):
            assert "cookieSecret" not in args and "COOKIE_SECRET" not in args, (ins, args)


def dockerignore_patterns() -> list[str]:
    lines = [ln.strip() for ln in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()]
    return [ln.rstrip("/") for ln in lines if ln and not ln.startswith("#")]


def ignored(path: str, patterns: list[str]) -> bool:
    """Approximation of Docker's rules: a pattern matches the path or one of its parent directories."""
    result = False
    parts = path.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for pat in patterns:
        neg = pat.startswith("!")
        p = pat[1:] if neg else pat
        variants = {p, p.replace("**/", "")}
        if any(
            fnmatch.fnmatchcase(c, v) or (fnmatch.fnmatchcase(c.split("/")[-1], v) and v.startswith("**"))
            for c in candidates
            for v in variants
        ):
            result = not neg
    return result


def test_dockerignore_excludes_dev_files_and_keeps_the_app():
    pats = dockerignore_patterns()
    for path in [
        ".venv/bin/python",
        ".git/HEAD",
        "tests/test_deploy.py",
        "bench/x.py",
        "dashboard/__pycache__/db.cpython-311.pyc",
        "data/sources/dataset.yml",
        ".streamlit/secrets.toml",
    ]:
        assert ignored(path, pats), f".dockerignore lets {path} into the build context"
    for path in ["static/.env", "static/.git/config", "static/geo/.hidden", "static/geo/.DS_Store"]:
        assert ignored(path, pats), f".dockerignore lets {path} into the build context"
    for path in [
        *APP_PATHS,
        "dashboard/db.py",
        "data/releases/atlas-2026-11-23-979bb8d21651.duckdb",
        ".streamlit/config.toml",
        "static/map_style.json",
    ]:
        assert not ignored(path, pats), f".dockerignore drops {path}, which the image needs"


# ---------------------------------------------------------------------------------------------------------------
# compose.yaml and nginx
# ---------------------------------------------------------------------------------------------------------------


def test_compose_app_service_is_hardened_and_needs_the_secret_from_env():
    svc = compose()["services"]["app"]
    build = svc["build"]
    assert (build if isinstance(build, str) else build.get("context")) == "."
    assert not svc.get("profiles"), "the single app service starts without a profile"
    env = compose_env(svc)
    assert re.fullmatch(r"\$\{STREAMLIT_SERVER_COOKIE_SECRET:\?[^}]*\}", env["STREAMLIT_SERVER_COOKIE_SECRET"]), (
        "the cookie secret must come from the environment and fail when unset (${VAR:?...})"
    )
    assert svc.get("read_only") is True
    assert "/tmp" in [t.split(":")[0] for t in svc.get("tmpfs", [])]
    assert HEALTH_PATH in healthcheck_cmd(svc["healthcheck"]["test"])
    assert any(str(p).split(":")[-1] == str(PORT) for p in svc.get("ports", []))


def scale_out_services() -> tuple[str, dict, str, dict]:
    services = compose()["services"]
    in_profile = {n: s for n, s in services.items() if "scale-out" in (s.get("profiles") or [])}
    apps = {n: s for n, s in in_profile.items() if s.get("build")}
    lbs = {n: s for n, s in in_profile.items() if str(s.get("image", "")).startswith("nginx")}
    assert len(apps) == 1 and len(lbs) == 1, f"scale-out profile needs one app and one nginx: {list(in_profile)}"
    (an, app), (ln, lb) = next(iter(apps.items())), next(iter(lbs.items()))
    return an, app, ln, lb


def test_compose_scale_out_runs_replicas_behind_nginx():
    an, app, _ln, lb = scale_out_services()
    assert int(app["deploy"]["replicas"]) >= 2
    assert not app.get("ports"), "replicas are reachable only through the load balancer"
    assert app.get("read_only") is True and "/tmp" in app.get("tmpfs", [])
    assert re.fullmatch(
        r"\$\{STREAMLIT_SERVER_COOKIE_SECRET:\?[^}]*\}", compose_env(app)["STREAMLIT_SERVER_COOKIE_SECRET"]
    )
    assert HEALTH_PATH in healthcheck_cmd(app["healthcheck"]["test"])
    deps = lb.get("depends_on") or {}
    assert an in deps
    if isinstance(deps, dict):
        assert deps[an].get("condition") == "service_healthy"
    mounts = [str(v) for v in lb.get("volumes", [])]
    assert any(m.startswith("./deploy/nginx/nginx.conf:") for m in mounts), mounts
    assert lb.get("ports"), "nginx publishes the entry port"
    # nginx balances over exactly that service, on the app port.
    upstream = nginx_block(nginx_text(), r"upstream\s+\w+")
    assert re.search(rf"^\s*server\s+{re.escape(an)}:{PORT}\b", upstream, re.M), upstream


def test_nginx_proxies_websockets_with_long_timeouts():
    text = nginx_text()
    assert re.search(r"map\s+\$http_upgrade\s+\$connection_upgrade", text)
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade\s*;", text)
    assert re.search(r"proxy_set_header\s+Connection\s+\$connection_upgrade\s*;", text)
    assert re.search(r"proxy_http_version\s+1\.1\s*;", text)
    # Streamlit rejects a websocket whose Origin differs from Host (port included).
    assert re.search(r"proxy_set_header\s+Host\s+\$http_host\s*;", text)
    for directive in ("proxy_read_timeout", "proxy_send_timeout"):
        m = re.search(rf"{directive}\s+(\S+)\s*;", text)
        assert m and seconds(m.group(1)) >= 3600, directive
    assert re.search(r"proxy_pass\s+http://(\w+)\s*;", text)


def test_nginx_sessions_are_sticky_with_open_source_directives():
    text = nginx_text()
    upstream = nginx_block(text, r"upstream\s+\w+")
    assert not re.search(r"^\s*sticky\b", upstream, re.M), "`sticky` is NGINX Plus only"
    if re.search(r"^\s*ip_hash\s*;", upstream, re.M):
        return
    m = re.search(r"^\s*hash\s+(\$\w+)(\s+consistent)?\s*;", upstream, re.M)
    assert m, "no ip_hash or hash directive: sessions would not be sticky"
    key = m.group(1)
    if not key.startswith("$cookie_"):  # a variable built by a map from a cookie
        mm = re.search(r"map\s+(\$cookie_\w+)\s+" + re.escape(key) + r"\s*\{", text)
        assert mm, f"hash key {key} does not derive from a cookie"
        cookie = mm.group(1)[len("$cookie_") :]
        # nginx hands the cookie out itself when the browser has none.
        assert re.search(r"add_header\s+Set-Cookie\s+\$\w+", text)
        assert f"{cookie}=$request_id" in text
    assert m.group(2), "use `consistent` hashing so scaling moves few sessions"


# ---------------------------------------------------------------------------------------------------------------
# Kubernetes
# ---------------------------------------------------------------------------------------------------------------


def pod_container() -> tuple[dict, dict, dict]:
    dep = k8s_one("Deployment")
    pod = dep["spec"]["template"]["spec"]
    containers = pod["containers"]
    assert len(containers) == 1
    return dep, pod, containers[0]


def resolve_port(container: dict, port) -> int:
    if isinstance(port, int):
        return port
    named = {p["name"]: p["containerPort"] for p in container.get("ports", []) if "name" in p}
    return int(named[port]) if port in named else int(port)


def test_k8s_deployment_replicas_and_zero_unavailable_rollout():
    dep, _pod, _ = pod_container()
    assert dep["spec"]["replicas"] >= 2
    strategy = dep["spec"]["strategy"]
    assert strategy.get("type", "RollingUpdate") == "RollingUpdate"
    assert str(strategy["rollingUpdate"]["maxUnavailable"]) in ("0", "0%")
    assert str(strategy["rollingUpdate"].get("maxSurge", "25%")) not in ("0", "0%")
    assert dep["spec"]["selector"]["matchLabels"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()


def test_k8s_probes_on_stcore_health():
    _, _, c = pod_container()
    assert any(resolve_port(c, p["containerPort"]) == PORT for p in c["ports"])
    for probe in ("readinessProbe", "livenessProbe"):
        get = c[probe]["httpGet"]
        assert get["path"] == HEALTH_PATH, probe
        assert resolve_port(c, get["port"]) == PORT, probe


def test_k8s_security_context_and_read_only_root():
    _, pod, c = pod_container()
    psc, csc = pod.get("securityContext", {}), c.get("securityContext", {})
    eff = {**psc, **csc}
    assert eff.get("runAsNonRoot") is True
    assert eff.get("runAsUser") == UID
    assert csc.get("readOnlyRootFilesystem") is True
    assert csc.get("allowPrivilegeEscalation") is False
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
    assert "/tmp" in mounts
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    assert "emptyDir" in vols[mounts["/tmp"]]


def test_k8s_resources():
    _, _, c = pod_container()
    res = c["resources"]
    assert res["limits"]["memory"] == "1Gi"
    assert res["requests"].get("memory") and res["requests"].get("cpu")


def test_k8s_cookie_secret_comes_from_a_secret():
    _, _, c = pod_container()
    env = {e["name"]: e for e in c.get("env", [])}
    e = env["STREAMLIT_SERVER_COOKIE_SECRET"]
    assert "value" not in e
    ref = e["valueFrom"]["secretKeyRef"]
    secret = k8s_one("Secret")
    assert ref["name"] == secret["metadata"]["name"]
    assert ref["key"] in {**secret.get("stringData", {}), **secret.get("data", {})}
    for item in c.get("env", []):
        if re.search(r"secret|token|password", item["name"], re.I):
            assert "value" not in item and "valueFrom" in item, item["name"]


def test_k8s_service_selects_the_deployment_pods():
    dep, _, c = pod_container()
    svc = k8s_one("Service")
    labels = dep["spec"]["template"]["metadata"]["labels"]
    selector = svc["spec"]["selector"]
    assert selector and selector.items() <= labels.items(), (selector, labels)
    assert any(resolve_port(c, p["targetPort"]) == PORT for p in svc["spec"]["ports"])


def test_k8s_ingress_cookie_affinity_and_websocket_timeouts():
    ing = k8s_one("Ingress")
    svc = k8s_one("Service")
    ann = ing["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert ann[prefix + "affinity"] == "cookie"
    assert ann[prefix + "session-cookie-name"]
    assert int(ann[prefix + "session-cookie-max-age"]) > 0
    assert int(ann[prefix + "proxy-read-timeout"]) >= 3600
    assert int(ann[prefix + "proxy-send-timeout"]) >= 3600
    backends = [p["backend"]["service"] for r in ing["spec"]["rules"] for p in r["http"]["paths"]]
    svc_ports = {p.get("name") for p in svc["spec"]["ports"]} | {p["port"] for p in svc["spec"]["ports"]}
    for b in backends:
        assert b["name"] == svc["metadata"]["name"]
        assert (b["port"].get("name") or b["port"].get("number")) in svc_ports


def test_k8s_secret_example_holds_only_the_placeholder():
    secret = k8s_one("Secret")
    values = list(secret.get("stringData", {}).values())
    values += [base64.b64decode(v).decode() for v in secret.get("data", {}).values()]
    assert values and all(v == PLACEHOLDER for v in values), values
    text = (K8S / "secret.example.yaml").read_text(encoding="utf-8")
    assert "kubectl create secret" in text


# ---------------------------------------------------------------------------------------------------------------
# no secret values committed
# ---------------------------------------------------------------------------------------------------------------


def deploy_files() -> list[Path]:
    files = [DOCKERFILE, DOCKERIGNORE, COMPOSE, NGINX_CONF, CONFIG_TOML, HOSTING_MD, *sorted(K8S.iterdir())]
    return [f for f in files if f.is_file()]


def is_reference_or_placeholder(value: str) -> bool:
    v = value.strip().strip("\"'")
    return (
        v == PLACEHOLDER
        or v.startswith("$")  # ${VAR}, ${VAR:?...}, $VAR, $(command)
        or bool(re.fullmatch(r"<[^>]*>|\.\.\.|", v))
    )


_VALUE = r"(\"[^\"]*\"|'[^']*'|[^\s`,;)]+)"
SECRET_ASSIGNMENTS = [
    # cookieSecret = "..." (TOML), cookieSecret: ... (YAML), --server.cookieSecret ... (command line)
    re.compile(r"cookieSecret\s*(?:=|:\s)\s*" + _VALUE, re.I),
    re.compile(r"--server\.cookieSecret[=\s]\s*" + _VALUE, re.I),
    re.compile(r"cookie_secret\s*(?:=|:\s)\s*" + _VALUE, re.I),
    # shell / env-file / YAML assignments of the env var (not `${VAR:?}` references)
    re.compile(r"STREAMLIT_SERVER_COOKIE_SECRET(?:\s*=|:\s)\s*" + _VALUE),
    re.compile(r"(?:motherduck_token|AWS_SECRET_ACCESS_KEY|s3_secret_access_key)(?:\s*=|:\s)\s*" + _VALUE, re.I),
]


@pytest.mark.parametrize("path", deploy_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_secret_values_committed(path: Path):
    text = path.read_text(encoding="utf-8")
    for rx in SECRET_ASSIGNMENTS:
        for m in rx.finditer(text):
            assert is_reference_or_placeholder(m.group(1)), f"{path.name}: looks like a committed secret: {m.group(0)}"
    # Long random-looking strings (hex keys, base64 tokens).
    for m in re.finditer(r"(?<![\w/.-])[0-9a-fA-F]{32,}(?![\w/.-])", text):
        pytest.fail(f"{path.name}: hex string that looks like a key: {m.group(0)[:8]}...")
    for m in re.finditer(r"(?<![\w/.-])[A-Za-z0-9+/_-]{40,}={0,2}(?![\w/.-])", text):
        s = m.group(0)
        if re.search(r"\d", s) and re.search(r"[a-z]", s) and re.search(r"[A-Z]", s):
            pytest.fail(f"{path.name}: string that looks like a token: {s[:8]}...")


@pytest.mark.parametrize("path", [COMPOSE, *sorted(K8S.glob("*.yaml"))], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_secret_values_in_yaml_fields(path: Path):
    """Any key named like a secret holds an env reference or the placeholder; `secretName` only names a Secret."""

    def walk(node, trail=()):
        if isinstance(node, dict):
            for k, v in node.items():
                key = str(k)
                if isinstance(v, str) and re.search(r"secret|token|passw|api.?key", key, re.I) and key != "secretName":
                    assert is_reference_or_placeholder(v), f"{path.name}: {'.'.join((*trail, key))} = {v!r}"
                walk(v, (*trail, key))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*trail, str(i)))

    for doc in load_yaml_docs(path):
        walk(doc)


# ---------------------------------------------------------------------------------------------------------------
# Streamlit settings and the hosting guide
# ---------------------------------------------------------------------------------------------------------------


def test_streamlit_config_is_hardened():
    cfg = tomllib.loads(CONFIG_TOML.read_text(encoding="utf-8"))
    server, client = cfg.get("server", {}), cfg.get("client", {})
    assert server.get("headless") is True
    assert server.get("enableXsrfProtection") is True
    assert client.get("showErrorDetails") in ("none", False)
    assert "cookieSecret" not in server, "the cookie secret comes from the environment, never the config file"


def test_hosting_guide_covers_every_option():
    text = HOSTING_MD.read_text(encoding="utf-8")
    headings = set(re.findall(r"^##\s+(.+?)\s*$", text, re.M))
    for h in (
        "Streamlit Community Cloud",
        "One container",
        "Replicas behind a load balancer",
        "A central database",
        "Data releases without dropping sessions",
    ):
        assert h in headings, h
    for needle in (
        "streamlit_app.py",
        "3.11",
        "data/CURRENT",
        "hibernat",
        "ATLAS_DB",
        "httpfs",
        "STREAMLIT_SERVER_COOKIE_SECRET",
        "sticky",
        "URL",
    ):
        assert needle in text, needle
    readme = (K8S / "README.md").read_text(encoding="utf-8")
    assert "maxUnavailable" in readme and "sticky" in readme.lower()
