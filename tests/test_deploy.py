"""The deployment files (deploy/) checked offline by the tools that will read them: the
Kubernetes manifests against the API's schemas, the nginx site by nginx, the systemd units by
systemd-analyze (or a strict parser where systemd is absent), logrotate's file by logrotate, the
Dockerfiles by a parser; then against the code they run: variables, paths, ports and memory.

nginx and logrotate are installed by ops/install-deploy-tools.sh when missing (as root with apt);
where that cannot be done, their checks are skipped and say why."""

from __future__ import annotations

import importlib
import io
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from ops.paths import ROOT
from tests.test_configuration_doc import _documented, _read_by_code

DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
SINGLE_SERVER = DEPLOY / "single-server"
DOCKER = DEPLOY / "docker"
# The newest API whose schemas the pinned kubernetes-validate ships; clusters of later versions
# serve every API these manifests use.
KUBERNETES_VERSION = "1.28.0"
SERVICES = sorted(SINGLE_SERVER.glob("*.service"))
LONG_RUNNING = [unit for unit in SERVICES if unit.name != "guidance-purge.service"]
SECRETS = (
    "MICROSOFT_APP_PASSWORD",
    "GUIDANCE_CONVERSATION_KEY",
    "GUIDANCE_SOCKET_JWT_KEY",
    "TRACKER_DB_PASSWORD",
    "REDIS_PASSWORD",
)


# --- Kubernetes -----------------------------------------------------------------------------


def _kustomization() -> dict:
    return yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())


def _objects(files: List[str]) -> Iterator[Tuple[str, dict]]:
    for name in files:
        for document in yaml.safe_load_all((KUBERNETES / name).read_text()):
            if document:
                yield name, document


def _applied() -> List[Tuple[str, dict]]:
    return list(_objects(_kustomization()["resources"]))


def _deployment(name: str) -> dict:
    return next(
        o for _, o in _applied() if o["kind"] == "Deployment" and o["metadata"]["name"] == name
    )


def test_the_kustomization_applies_every_manifest_but_the_secret_template():
    on_disk = {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(_kustomization()["resources"]) == on_disk - {"secret.example.yaml"}


@pytest.mark.parametrize(
    "name, manifest",
    list(_objects(_kustomization()["resources"] + ["secret.example.yaml"])),
    ids=lambda value: value if isinstance(value, str) else value["kind"],
)
def test_every_kubernetes_object_is_valid_against_the_api_schema_in_strict_mode(name, manifest):
    kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_refuses_a_misspelt_field():
    manifest = yaml.safe_load(yaml.safe_dump(_deployment("guidance-rasa")))
    manifest["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}

    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("name", ["guidance-rasa", "guidance-actions", "guidance-web"])
def test_every_container_has_probes_and_a_memory_request_and_runs_as_non_root(name):
    pod = _deployment(name)["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    for container in pod["containers"]:
        assert {"readinessProbe", "livenessProbe"} <= container.keys()
        assert container["resources"]["requests"]["memory"]
        assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_no_ingress_writes_an_access_log():
    for ingress in (m for _, m in _applied() if m["kind"] == "Ingress"):
        annotations = ingress["metadata"]["annotations"]
        assert annotations["nginx.ingress.kubernetes.io/enable-access-log"] == "false"


# --- nginx ----------------------------------------------------------------------------------

NGINX_SITE = SINGLE_SERVER / "guidance-assistant.nginx"
LOG_DIR = "/var/log/guidance-assistant"
CERTIFICATE = "/etc/ssl/certs/chat.example.nhs.uk.pem"
CERTIFICATE_KEY = "/etc/ssl/private/chat.example.nhs.uk.key"


def _tool(name: str) -> str:
    """The path of nginx or logrotate, installed by ops/install-deploy-tools.sh if missing."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found:
        return found
    install = subprocess.run(
        [str(ROOT / "ops" / "install-deploy-tools.sh")], capture_output=True, text=True
    )
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        pytest.skip(f"{name} is not installed and could not be: {install.stderr.strip()}")
    return found


def _locations(site: str) -> Dict[str, str]:
    """Each location of the TLS server, by its match (e.g. "= /health"), with its body."""
    return {
        match.group(1).strip(): match.group(2)
        for match in re.finditer(r"^\s*location\s+([^{]+)\{(.*?)^\s*\}", site, re.M | re.S)
    }


def test_nginx_accepts_the_site_with_a_certificate(tmp_path: Path):
    nginx = _tool("nginx")
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed: no certificate to test the TLS server with")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=chat.example.nhs.uk"]
        + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
    )
    site = NGINX_SITE.read_text()
    for path in (CERTIFICATE, CERTIFICATE_KEY, LOG_DIR):
        assert path in site, f"{path} moved: update this test's stand-ins"
    (tmp_path / "logs").mkdir()
    (tmp_path / "site.conf").write_text(
        site.replace(CERTIFICATE, str(tmp_path / "cert.pem"))
        .replace(CERTIFICATE_KEY, str(tmp_path / "key.pem"))
        .replace(LOG_DIR, str(tmp_path / "logs"))
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/logs/nginx.log;\n"
        "events {}\n"
        "http {\n"
        f"    include /etc/nginx/mime.types;\n"
        f"    client_body_temp_path {tmp_path}/body;\n"
        f"    include {tmp_path}/site.conf;\n"
        "}\n"
    )

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr and "[emerg]" not in result.stderr, result.stderr


def test_nginx_exposes_only_the_webhooks_socket_io_and_the_pages():
    locations = _locations(NGINX_SITE.read_text())

    assert set(locations) == {
        "= /webhooks/rest/webhook",
        "= /webhooks/botframework/webhook",
        "/socket.io/",
        "= /health",
        "/",
    }
    assert "return 404" in locations["= /health"]
    assert "proxy_pass http://guidance_web;" in locations["/"]


def test_socket_io_gets_the_websocket_upgrade_long_timeouts_and_the_client_address():
    socket_io = _locations(NGINX_SITE.read_text())["/socket.io/"]

    assert "proxy_http_version 1.1;" in socket_io
    assert "proxy_set_header Upgrade $http_upgrade;" in socket_io
    assert "proxy_set_header Connection $guidance_connection;" in socket_io
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in socket_io
    timeout = re.search(r"proxy_read_timeout (\d+)s;", socket_io)
    assert timeout and int(timeout.group(1)) >= 3600


def test_the_site_sends_security_headers_and_logs_no_client_address():
    site = NGINX_SITE.read_text()

    for header in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy"):
        assert re.search(rf'add_header {header} "[^"]+" always;', site), header
    log_format = re.search(r"log_format guidance_private (.*?);", site, re.S).group(1)
    assert "$remote_addr" not in log_format and "$request_uri" not in log_format
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in site


def test_the_rasa_server_trusts_the_address_nginx_forwards():
    rasa = (SINGLE_SERVER / "guidance-rasa.service").read_text()
    trusted = re.search(r'GUIDANCE_TRUSTED_PROXIES=([^"\n]+)', rasa).group(1).split()
    upstream = re.search(r"upstream guidance_rasa \{\s*server ([\d.]+):", NGINX_SITE.read_text())

    assert upstream.group(1) in trusted
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX_SITE.read_text()


# --- systemd --------------------------------------------------------------------------------

# Every directive these units may use: a misspelt one is the mistake the parser check catches.
DIRECTIVES = {
    "Unit": {"Description", "Documentation", "After", "Before", "Wants", "Requires", "BindsTo"},
    "Service": set(
        "Type User Group WorkingDirectory EnvironmentFile Environment ExecStart ExecStartPre "
        "ExecReload Restart RestartSec TimeoutStartSec TimeoutStopSec StateDirectory "
        "StateDirectoryMode LogsDirectory MemoryMax MemoryHigh LimitNOFILE NoNewPrivileges "
        "ProtectSystem ProtectHome PrivateTmp PrivateDevices ProtectKernelTunables "
        "ProtectKernelModules ProtectKernelLogs ProtectControlGroups ProtectClock ProtectHostname "
        "RestrictNamespaces RestrictRealtime RestrictSUIDSGID LockPersonality "
        "RestrictAddressFamilies CapabilityBoundingSet SystemCallFilter SystemCallErrorNumber "
        "SystemCallArchitectures UMask ReadWritePaths MemoryDenyWriteExecute".split()
    ),
    "Timer": {"OnCalendar", "RandomizedDelaySec", "Persistent", "Unit", "AccuracySec"},
    "Install": {"WantedBy", "RequiredBy", "Also"},
}
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "CapabilityBoundingSet": "",
    "RestrictSUIDSGID": "yes",
    "UMask": "0077",
}


def _unit(path: Path) -> Dict[str, Dict[str, List[str]]]:
    """The unit's sections and each directive's values, parsed as strictly as systemd reads it:
    anything that is not a section, a comment or Key=value fails."""
    sections: Dict[str, Dict[str, List[str]]] = {}
    section = None
    lines = path.read_text().replace("\\\n", " ").splitlines()
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if re.fullmatch(r"\[[A-Za-z]+\]", line):
            section = line[1:-1]
            assert section in DIRECTIVES, f"{path.name}:{number}: unknown section [{section}]"
            assert section not in sections, f"{path.name}:{number}: [{section}] twice"
            sections[section] = {}
            continue
        assert section, f"{path.name}:{number}: directive before any section"
        key, equals, value = line.partition("=")
        assert equals and re.fullmatch(r"[A-Za-z]+", key), f"{path.name}:{number}: {line!r}"
        assert key in DIRECTIVES[section], f"{path.name}:{number}: unknown {key} in [{section}]"
        sections[section].setdefault(key, []).append(value.strip())
    return sections


def test_systemd_verifies_the_units(tmp_path: Path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed: the parser checks below still run")
    # A root with the units, systemd's own units they refer to, and stand-ins for the venv's
    # programs (verify checks that ExecStart's program exists and is executable).
    units = tmp_path / "etc" / "systemd" / "system"
    units.mkdir(parents=True)
    shutil.copytree("/usr/lib/systemd/system", tmp_path / "usr/lib/systemd/system", symlinks=True)
    venv = tmp_path / "opt/guidance-assistant/.venv/bin"
    venv.mkdir(parents=True)
    for program in ("rasa", "python"):
        (venv / program).write_text("#!/bin/sh\n")
        (venv / program).chmod(0o755)
    names = [p.name for p in SERVICES] + ["guidance-purge.timer"]
    for name in names:
        shutil.copy(SINGLE_SERVER / name, units / name)

    result = subprocess.run(
        [analyze, "verify", "--man=no", f"--root={tmp_path}"] + [str(units / n) for n in names],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize("unit", SERVICES, ids=lambda p: p.name)
def test_every_service_runs_as_the_dedicated_user_hardened(unit: Path):
    service = _unit(unit)["Service"]
    user = re.search(
        r"^u (\S+) ", (SINGLE_SERVER / "guidance-assistant.sysusers").read_text(), re.M
    )

    assert service["User"] == service["Group"] == [user.group(1)]
    assert service["EnvironmentFile"] == ["/etc/guidance-assistant/environment"]
    assert service["ExecStart"][0].startswith("/opt/guidance-assistant/.venv/bin/")
    for key, value in HARDENING.items():
        assert service.get(key) == [value], key


@pytest.mark.parametrize("unit", LONG_RUNNING, ids=lambda p: p.name)
def test_every_server_restarts_on_failure_and_starts_at_boot(unit: Path):
    parsed = _unit(unit)
    assert parsed["Service"]["Restart"] == ["on-failure"]
    assert parsed["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_purge_runs_daily_and_catches_up_after_downtime():
    timer = _unit(SINGLE_SERVER / "guidance-purge.timer")
    purge = _unit(SINGLE_SERVER / "guidance-purge.service")

    assert re.fullmatch(r"(daily|\*-\*-\* \d\d:\d\d(:\d\d)?)", timer["Timer"]["OnCalendar"][0])
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]
    assert purge["Service"]["Type"] == ["oneshot"]
    assert "-m ops.purge" in purge["Service"]["ExecStart"][0]


def test_the_parser_refuses_a_misspelt_directive(tmp_path: Path):
    unit = tmp_path / "broken.service"
    unit.write_text((SINGLE_SERVER / "guidance-web.service").read_text() + "ProtectSytem=full\n")

    with pytest.raises(AssertionError, match="unknown ProtectSytem"):
        _unit(unit)


# --- logrotate ------------------------------------------------------------------------------


def test_logrotate_accepts_the_file_for_the_logs_nginx_writes(tmp_path: Path):
    logrotate = _tool("logrotate")
    rotation = (SINGLE_SERVER / "guidance-assistant.logrotate").read_text()
    assert f"{LOG_DIR}/*.log" in rotation and f"{LOG_DIR}/access.log" in NGINX_SITE.read_text()
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "access.log").write_text("a line\n")
    (tmp_path / "logrotate.conf").write_text(rotation.replace(LOG_DIR, str(tmp_path / "logs")))

    result = subprocess.run(
        [logrotate, "-d", "-s", str(tmp_path / "state"), str(tmp_path / "logrotate.conf")],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "error:" not in result.stdout + result.stderr, result.stdout + result.stderr


# --- Docker ---------------------------------------------------------------------------------

DOCKERFILES = sorted(DOCKER.glob("*.Dockerfile"))
PORT_OF_IMAGE = {"rasa": "RASA_PORT", "actions": "ACTION_PORT", "web": "WEB_PORT"}


def _dockerfile(path: Path) -> DockerfileParser:
    return DockerfileParser(fileobj=io.BytesIO(path.read_bytes()))


def _final_stage(path: Path) -> List[dict]:
    structure = _dockerfile(path).structure
    last_from = max(i for i, s in enumerate(structure) if s["instruction"] == "FROM")
    return structure[last_from:]


def _default_port(variable: str) -> int:
    """The default in ops/settings.py, whatever this test's own environment sets."""
    source = (ROOT / "ops" / "settings.py").read_text()
    return int(re.search(rf'getenv\("{variable}", "(\d+)"\)', source).group(1))


def _env_names(instructions: List[dict]) -> Dict[str, str]:
    names = {}
    for instruction in instructions:
        if instruction["instruction"] in ("ENV", "ARG"):
            for word in shlex.split(instruction["value"]):
                key, _, value = word.partition("=")
                names[key] = value
    return names


def test_there_is_an_image_for_each_server():
    assert {p.name.split(".")[0] for p in DOCKERFILES} == set(PORT_OF_IMAGE)


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.name)
def test_every_image_runs_as_non_root_from_pinned_bases_with_one_command(path: Path):
    final = _final_stage(path)
    users = [s["value"].split(":")[0] for s in final if s["instruction"] == "USER"]
    stages = re.findall(r"^FROM \S+ AS (\S+)", path.read_text(), re.M | re.I)

    assert users and users[-1] not in ("root", "0")
    for image in _dockerfile(path).parent_images:
        assert image in stages or re.fullmatch(r"[\w./-]+:[\w.-]+", image), image
        assert not image.endswith(":latest")
    assert [s["instruction"] for s in final].count("ENTRYPOINT") == 1
    assert [s["instruction"] for s in final].count("CMD") <= 1


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.name)
def test_no_image_carries_a_secret(path: Path):
    structure = _dockerfile(path).structure
    assert not set(_env_names(structure)) & set(SECRETS)
    for secret in SECRETS:
        assert not re.search(rf"{secret}\s*=", path.read_text())


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.name)
def test_every_image_exposes_the_port_ops_settings_gives_its_server(path: Path):
    exposed = [s["value"] for s in _final_stage(path) if s["instruction"] == "EXPOSE"]
    assert exposed == [str(_default_port(PORT_OF_IMAGE[path.name.split(".")[0]]))]


def test_the_rasa_image_turns_telemetry_off():
    assert _dockerfile(DOCKER / "rasa.Dockerfile").envs["RASA_TELEMETRY_ENABLED"] == "false"


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.name)
def test_every_file_an_image_copies_passes_the_dockerignore(path: Path):
    allowed = [
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    ]
    for instruction in _dockerfile(path).structure:
        if instruction["instruction"] != "COPY" or "--from=" in instruction["value"]:
            continue
        for source in shlex.split(instruction["value"])[:-1]:
            source = source.rstrip("/")
            assert any(source == a or source.startswith(a + "/") for a in allowed), source


def test_the_dockerignore_keeps_conversations_and_keys_out():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    assert lines[[line.startswith("#") for line in lines].index(False)] == "*"
    assert not [line for line in lines if line.startswith(("!var", "!.env", "!.venv"))]


@pytest.mark.parametrize("requirements", ["server.txt", "actions.txt"])
def test_the_images_pin_what_the_tested_venv_has(requirements: str):
    def pins(name: str) -> Dict[str, str]:
        text = (ROOT / "requirements" / name).read_text()
        return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M))

    tested = {**pins("constraints.txt"), **pins("base.txt")}
    image = pins(requirements)
    assert image and {name: tested.get(name) for name in image} == image


# --- drift between the deploy files and the code --------------------------------------------

# Set by the deploy files, read by someone other than this repository's Python.
READ_ELSEWHERE = {
    "HOME": "Python, Rasa (its config folder)",
    "PATH": "the shell",
    "PYTHONUNBUFFERED": "Python",
    "PYTHONDONTWRITEBYTECODE": "Python",
    "PIP_DISABLE_PIP_VERSION_CHECK": "pip, while building",
    "PIP_NO_CACHE_DIR": "pip, while building",
    "RASA_TELEMETRY_ENABLED": "Rasa",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "SQLAlchemy",
    "SANIC_HOST": "rasa-sdk (where the action server listens)",
}


def _objects_by_kind(kind: str) -> List[dict]:
    files = _kustomization()["resources"] + ["secret.example.yaml"]
    return [manifest for _, manifest in _objects(files) if manifest["kind"] == kind]


def _set_by_deploy() -> Dict[str, str]:
    """Every environment variable a deploy file sets, with the file that sets it."""
    names: Dict[str, str] = {}
    for line in (SINGLE_SERVER / "environment.example").read_text().splitlines():
        if re.match(r"[A-Z][A-Z0-9_]*=", line):
            names[line.split("=")[0]] = "environment.example"
    for unit in SERVICES:
        for assignment in _unit(unit)["Service"].get("Environment", []):
            for word in shlex.split(assignment):
                names[word.split("=")[0]] = unit.name
    for name, manifest in _objects(_kustomization()["resources"] + ["secret.example.yaml"]):
        data = manifest.get("data", {}) | manifest.get("stringData", {})
        if manifest["kind"] in ("ConfigMap", "Secret"):
            names.update({key: name for key in data if re.fullmatch(r"[A-Z][A-Z0-9_]*", key)})
        pod = manifest.get("spec", {}).get("template", {}).get("spec", {})
        for container in pod.get("containers", []):
            names.update({variable["name"]: name for variable in container.get("env", [])})
    for path in DOCKERFILES:
        names.update(dict.fromkeys(_env_names(_dockerfile(path).structure), path.name))
    return names


def _read_by_endpoints() -> set:
    files = [ROOT / "endpoints.postgres.yml", SINGLE_SERVER / "endpoints.yml"]
    files += [KUBERNETES / "config.yaml"]
    return {name for path in files for name in re.findall(r"\$\{(\w+)\}", path.read_text())}


def test_every_variable_the_deploy_files_set_that_the_app_reads_is_documented():
    read, documented = _read_by_code(), _documented()
    undocumented = {
        name: where
        for name, where in _set_by_deploy().items()
        if name in read and name not in documented
    }
    assert undocumented == {}


def test_every_variable_the_deploy_files_set_is_read_by_something():
    readers = _read_by_code() | _documented() | _read_by_endpoints() | set(READ_ELSEWHERE)
    unread = {name: where for name, where in _set_by_deploy().items() if name not in readers}
    assert unread == {}, "a misspelt name, or one nothing reads any more"


def test_the_conversation_key_is_set_for_every_deployment():
    secret = _objects_by_kind("Secret")[0]["stringData"]
    environment = (SINGLE_SERVER / "environment.example").read_text()

    assert "GUIDANCE_CONVERSATION_KEY" in secret
    assert re.search(r"^GUIDANCE_CONVERSATION_KEY=", environment, re.M)


def _channel_paths() -> set:
    """The public paths of the channels credentials.yml opens, as Rasa routes them:
    /webhooks/<channel name>/webhook, and socket.io's own path."""
    paths = set()
    credentials = yaml.safe_load((SINGLE_SERVER / "credentials.yml").read_text())
    for dotted, settings in credentials.items():
        module, _, name = dotted.rpartition(".")
        channel = getattr(importlib.import_module(module), name)
        if "SocketIO" in name:
            paths.add((settings or {}).get("socketio_path", "/socket.io"))
        else:
            paths.add(f"/webhooks/{channel.name()}/webhook")
    return paths


def _ingress_paths() -> List[dict]:
    return [
        path
        for manifest in _objects_by_kind("Ingress")
        for rule in manifest["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]


def test_nginx_and_the_ingress_expose_exactly_the_channels_paths():
    channels = _channel_paths()
    nginx = {
        match.lstrip("= ").rstrip("/")
        for match in _locations(NGINX_SITE.read_text())
        if match not in ("/", "= /health")
    }
    ingress = {
        path["path"].rstrip("/")
        for path in _ingress_paths()
        if path["backend"]["service"]["name"] == "guidance-rasa"
    }

    assert channels == {"/webhooks/rest/webhook", "/socket.io", "/webhooks/botframework/webhook"}
    assert nginx == channels
    assert ingress == channels
    # The schema takes any string here; ingress-nginx only these.
    assert {path["pathType"] for path in _ingress_paths()} <= {"Exact", "Prefix"}


def test_the_deploy_credentials_open_the_repositorys_channels_and_teams():
    shipped = yaml.safe_load((ROOT / "credentials.yml").read_text())
    expected = {**shipped, "channels.teams.TeamsInput": None}
    config = next(
        m for m in _objects_by_kind("ConfigMap") if m["metadata"]["name"] == "guidance-rasa-files"
    )

    assert yaml.safe_load((SINGLE_SERVER / "credentials.yml").read_text()) == expected
    assert yaml.safe_load(config["data"]["credentials.yml"]) == expected


def _measured_rss_mb(server: str) -> int:
    """The RSS after load that docs/benchmarks.md reports for the Rasa or the action server."""
    benchmarks = (ROOT / "docs" / "benchmarks.md").read_text()
    if server == "rasa":
        return int(
            re.search(r"Rasa server RSS idle / after load \| \d+ MB / (\d+) MB", benchmarks).group(
                1
            )
        )
    return int(re.search(r"action server RSS after load \| (\d+) MB", benchmarks).group(1))


def _megabytes(quantity: str) -> float:
    """A Kubernetes quantity (Mi, Gi, M, G) in megabytes (10**6 bytes)."""
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi|M|G)", quantity).groups()
    return int(number) * {"Mi": 1.048576, "Gi": 1073.741824, "M": 1, "G": 1000}[unit]


def _systemd_megabytes(size: str) -> float:
    """A systemd size (its K, M and G are powers of 1024) in megabytes."""
    number, unit = re.fullmatch(r"(\d+)([KMG])", size).groups()
    return int(number) * {"K": 0.001024, "M": 1.048576, "G": 1073.741824}[unit]


@pytest.mark.parametrize(
    "server, deployment", [("rasa", "guidance-rasa"), ("actions", "guidance-actions")]
)
def test_memory_requests_cover_the_measured_rss(server: str, deployment: str):
    container = _deployment(deployment)["spec"]["template"]["spec"]["containers"][0]
    requests, limits = container["resources"]["requests"], container["resources"]["limits"]

    assert _megabytes(requests["memory"]) >= _measured_rss_mb(server)
    assert _megabytes(limits["memory"]) > _megabytes(requests["memory"])


@pytest.mark.parametrize(
    "server, unit", [("rasa", "guidance-rasa.service"), ("actions", "guidance-actions.service")]
)
def test_the_units_memory_ceilings_leave_room_for_the_measured_rss(server: str, unit: str):
    ceiling = _unit(SINGLE_SERVER / unit)["Service"]["MemoryMax"][0]
    assert _systemd_megabytes(ceiling) > _measured_rss_mb(server)


def test_the_ports_everywhere_are_ops_settings_defaults():
    rasa, actions, web = (_default_port(v) for v in ("RASA_PORT", "ACTION_PORT", "WEB_PORT"))
    site = NGINX_SITE.read_text()

    assert f"server 127.0.0.1:{rasa};" in site and f"server 127.0.0.1:{web};" in site
    assert f"--port {rasa}" in (SINGLE_SERVER / "guidance-rasa.service").read_text()
    assert f"--port {actions}" in (SINGLE_SERVER / "guidance-actions.service").read_text()
    assert f"--port {web}" in (SINGLE_SERVER / "guidance-web.service").read_text()
    assert f"127.0.0.1:{actions}/webhook" in (SINGLE_SERVER / "endpoints.yml").read_text()
    for name, port in (
        ("guidance-rasa", rasa),
        ("guidance-actions", actions),
        ("guidance-web", web),
    ):
        container = _deployment(name)["spec"]["template"]["spec"]["containers"][0]
        assert container["ports"][0]["containerPort"] == port
