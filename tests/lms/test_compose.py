"""docker-compose.yml names only what exists: modules, apps, commands, URLs, settings, env."""

import ast
import importlib
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit
from wsgiref.util import setup_testing_defaults

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.bin.celery import celery as celery_cli
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import resolve
from gunicorn.config import Config as GunicornConfig

from lms import views

BASE_DIR = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# The services that run Spoke's own image (the others are postgres and redis).
APP_SERVICES = sorted(name for name, service in SERVICES.items() if "build" in service)
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _argv(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(arg) for arg in command]


def _invocations(name: str) -> list[list[str]]:
    """What a service runs: ``sh -c "a && b"`` is two programs, a and b."""
    argv = _argv(SERVICES[name])
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in re.split(r"&&|\|\||;", argv[2]) if part.strip()]
    return [argv]


def _all_invocations() -> list[list[str]]:
    return [argv for name in APP_SERVICES for argv in _invocations(name)]


def _healthcheck_code() -> str:
    test = SERVICES["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"], test
    return test[3]


def _production_setting(name: str):
    """A literal from lms/settings/production.py, read without importing it (it needs secrets)."""
    source = (BASE_DIR / "lms" / "settings" / "production.py").read_text()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not set in lms/settings/production.py")


def _documented_env() -> set[str]:
    text = (BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"(?m)^#?\s*([A-Z][A-Z0-9_]*)=", text))


def test_production_shape():
    """PostgreSQL, Redis, a one-shot migration, the web app, a worker and beat."""
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert SERVICES["db"]["image"].startswith("postgres:16")
    assert SERVICES["redis"]["image"].startswith("redis:7")
    assert APP_SERVICES == ["beat", "migrate", "web", "worker"]
    for name in ("db", "redis", "web"):
        assert "healthcheck" in SERVICES[name], f"{name} has no healthcheck"


def test_every_program_is_known():
    """Each command is one of the programs the image provides, nothing else."""
    programs = {argv[0] for argv in _all_invocations()}
    assert programs <= {"python", "gunicorn", "celery"}, programs
    for argv in _all_invocations():
        if argv[0] == "python":
            assert argv[1] == "manage.py", argv


def test_app_services_run_production_settings():
    """The app services name a settings module that exists: the production one."""
    for name in APP_SERVICES:
        module = SERVICES[name]["environment"]["DJANGO_SETTINGS_MODULE"]
        assert module == "lms.settings.production", name
        assert importlib.util.find_spec(module) is not None, module
    assert "DJANGO_SETTINGS_MODULE=lms.settings.production" in DOCKERFILE


@pytest.mark.django_db
def test_gunicorn_serves_a_wsgi_callable():
    """gunicorn's target imports, is a WSGI callable, answers /healthz; its options exist."""
    argv = _argv(SERVICES["web"])
    assert argv[0] == "gunicorn"
    namespace = GunicornConfig().parser().parse_args(argv[1:])  # exits on an unknown option
    (target,) = namespace.args
    module_name, attribute = target.split(":")
    application = getattr(importlib.import_module(module_name), attribute)
    assert callable(application)

    environ = {"PATH_INFO": "/healthz", "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    statuses = []
    # As Django's test client does: a request must not close the test's connection, which
    # holds the test transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, lambda status, headers: statuses.append(status))
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == ["200 OK"], body
    assert namespace.bind == ["0.0.0.0:8000"]
    assert namespace.workers == 3


def test_celery_app_is_found():
    """``celery -A lms`` finds Spoke's Celery app, the one with the tasks."""
    for argv in _all_invocations():
        if argv[0] != "celery":
            continue
        assert argv[1] == "-A", argv
        app = find_app(argv[2])
        assert isinstance(app, Celery)
        assert app is importlib.import_module("lms.celery").app
        app.loader.import_default_modules()  # what a worker does when it starts
        assert "core.tasks.notification_send_task" in app.tasks


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_subcommands_and_options_exist(service):
    """worker and beat are Celery subcommands, with options Celery knows."""
    ((_celery, _a, _app, subcommand, *rest),) = _invocations(service)
    assert subcommand == service
    command = celery_cli.commands[subcommand]
    known = {opt for param in command.params for opt in param.opts}
    for token in rest:
        if token.startswith("-"):
            assert token.split("=")[0] in known, f"celery {subcommand} has no option {token}"


def test_beat_schedule_is_writable_in_the_image():
    """beat keeps its schedule under /app/var, which the image gives to its non-root user."""
    ((*_, schedule),) = _invocations("beat")
    assert Path(schedule).parent == Path("/app/var")
    assert re.search(r"chown -R spoke:spoke /app/var\b", DOCKERFILE)
    user = re.findall(r"(?m)^USER\s+(\S+)", DOCKERFILE)
    assert user, "the image runs as root"
    assert user[-1] not in {"root", "0"}


def test_manage_py_commands_exist():
    """Every ``manage.py`` command named exists and accepts the options given."""
    commands = get_commands()
    named = [argv for argv in _all_invocations() if argv[:2] == ["python", "manage.py"]]
    assert {argv[2] for argv in named} >= {"migrate", "collectstatic"}
    for _python, _manage, name, *options in named:
        assert name in commands, f"manage.py has no command {name}"
        command = load_command_class(commands[name], name)
        command.create_parser("manage.py", name).parse_args(options)


def test_migrations_run_before_the_app_starts():
    """web, worker and beat wait for the one-shot migrate service to finish."""
    for name in ("web", "worker", "beat"):
        condition = SERVICES[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
    assert SERVICES["migrate"]["restart"] == "no"


def test_healthcheck_url_is_the_health_view():
    """The web healthcheck asks /healthz, which is the health view."""
    (url,) = re.findall(r"https?://[^\"']+", _healthcheck_code())
    parts = urlsplit(url)
    assert parts.port == 8000
    assert resolve(parts.path).func is views.healthz
    # Production redirects plain HTTP to HTTPS; the healthcheck speaks HTTP, so it must be exempt.
    exempt = _production_setting("SECURE_REDIRECT_EXEMPT")
    assert any(re.search(pattern, parts.path.lstrip("/")) for pattern in exempt), exempt


class _Health(BaseHTTPRequestHandler):
    """Answers like Spoke's /healthz would, and notes what it was asked."""

    status = HTTPStatus.OK
    seen: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self):
        self.seen.append((self.path, self.headers["Host"]))
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def health_server():
    _Health.seen.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        _Health.status = HTTPStatus.OK


def _run_healthcheck(server, allowed_hosts: str) -> subprocess.CompletedProcess:
    port = server.server_address[1]
    code = _healthcheck_code().replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_ALLOWED_HOSTS": allowed_hosts}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
    )


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("spoke.example,www.spoke.example", "spoke.example"),
        (".spoke.example", "spoke.example"),
        ("*", "localhost"),
    ],
)
def test_healthcheck_command_asks_healthz_with_an_allowed_host(health_server, allowed_hosts, host):
    """The healthcheck exits 0 on 200, asking /healthz with a Host that Django allows."""
    result = _run_healthcheck(health_server, allowed_hosts)
    assert result.returncode == 0, result.stderr
    assert _Health.seen == [("/healthz", host)]


def test_healthcheck_command_fails_when_the_site_is_down(health_server):
    """A 503 from /healthz makes the healthcheck fail."""
    _Health.status = HTTPStatus.SERVICE_UNAVAILABLE
    result = _run_healthcheck(health_server, "spoke.example")
    assert result.returncode != 0


def test_named_volumes_are_declared():
    """Every named volume a service mounts is declared at the top level."""
    declared = set(COMPOSE["volumes"])
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name} mounts undeclared volume {source}"


def test_every_env_var_passed_is_documented():
    """Each variable the compose file passes or interpolates is explained in .env.example."""
    text = (BASE_DIR / "docker-compose.yml").read_text()
    passed = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    for service in SERVICES.values():
        passed |= set(service.get("environment", {}))
    passed |= set(re.findall(r"os\.environ\[\"([A-Z0-9_]+)\"\]", _healthcheck_code()))
    assert all(ENV_NAME.match(name) for name in passed), passed
    missing = passed - _documented_env()
    assert not missing, f"not documented in .env.example: {sorted(missing)}"
    for name in APP_SERVICES:
        assert SERVICES[name]["env_file"] in (".env", [".env"]), name


def test_image_matches_the_project():
    """The image runs the Python the project asks for and installs the locked packages,
    hashes required."""
    assert re.search(r"(?m)^FROM python:3\.11-slim", DOCKERFILE)
    assert "COPY requirements/base.lock" in DOCKERFILE
    assert "--require-hashes --requirement requirements/base.lock" in DOCKERFILE
    assert "collectstatic --noinput" in DOCKERFILE
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert {".env", ".venv", "var", ".git"} <= set(ignored)


def _mounts(name: str) -> dict[str, str]:
    """The named volumes a service mounts, by the path inside the container."""
    mounts = {}
    for volume in SERVICES[name].get("volumes", []):
        source, target, *_mode = volume.split(":")
        mounts[target] = source
    return mounts


@pytest.mark.parametrize(
    ("env_name", "setting"),
    [("DJANGO_MEDIA_ROOT", "MEDIA_ROOT"), ("SPOKE_PRIVATE_MEDIA_ROOT", "SPOKE_PRIVATE_MEDIA_ROOT")],
)
def test_web_and_worker_share_the_upload_volumes(env_name, setting):
    """Uploads (media) and private files (screenshots, exports) live on named volumes that
    web and worker both mount at the folder the settings read from the environment, so they
    survive a redeploy and an export the worker writes is the one the web app serves."""
    assert env_name in base_settings_env_names(), f"the settings do not read {env_name}"
    sources = set()
    for name in ("web", "worker"):
        path = SERVICES[name]["environment"][env_name]
        assert path.startswith("/app/var/"), (name, path)
        volume = _mounts(name).get(path)
        assert volume, f"{name} keeps {setting} ({path}) inside the container"
        assert volume in COMPOSE["volumes"], volume
        sources.add(volume)
    assert len(sources) == 1, f"web and worker mount different volumes for {setting}"
    assert f"{env_name}={SERVICES['web']['environment'][env_name]}" in DOCKERFILE


def test_private_and_media_volumes_are_distinct():
    """Private files never share a volume (or a folder) with the public media."""
    env = SERVICES["web"]["environment"]
    media, private = env["DJANGO_MEDIA_ROOT"], env["SPOKE_PRIVATE_MEDIA_ROOT"]
    assert not private.startswith(media.rstrip("/") + "/")
    assert private != media
    assert _mounts("web")[media] != _mounts("web")[private]


def test_the_image_creates_the_upload_folders_for_its_user():
    """The image makes the media and private folders and gives them to its user, so a new
    named volume starts with the right owner."""
    env = SERVICES["web"]["environment"]
    (mkdir,) = re.findall(r"mkdir -p ([^\\&\n]+)", DOCKERFILE)
    assert {env["DJANGO_MEDIA_ROOT"], env["SPOKE_PRIVATE_MEDIA_ROOT"]} <= set(mkdir.split())
    assert re.search(r"chown -R spoke:spoke /app/var\b", DOCKERFILE)


def base_settings_env_names() -> set[str]:
    """The environment variables lms/settings/base.py reads."""
    source = (BASE_DIR / "lms" / "settings" / "base.py").read_text()
    return set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
