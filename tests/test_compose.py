"""docker-compose.yml agrees with the settings, the Dockerfile and the URLs.

No Docker engine runs where the tests do, so this reads the file the way
Compose would (with ${VAR:-default} filled from defaults) and checks what can
be checked without starting it.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.urls import resolve

from cities.views import health

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables the container reads outside settings.py: gunicorn and the entrypoint.
READ_OUTSIDE_SETTINGS = {"WEB_CONCURRENCY", "LOAD_DEMO_DATA", "PREPARE_DATABASE"}


def interpolate(value: str) -> str:
    """Fill ${NAME:-default} and ${NAME} as Compose would with NAME unset."""
    return re.sub(r"\$\{\w+(?::?-([^}]*))?\}", lambda m: m.group(1) or "", str(value))


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def web_env(compose):
    return {k: interpolate(v) for k, v in compose["services"]["web"]["environment"].items()}


def variables_read_by_settings() -> set[str]:
    source = (BASE_DIR / "techvote" / "settings.py").read_text()
    names = set(re.findall(r'(?:env_\w+|os\.environ\.get)\(\s*"(\w+)"', source))
    if "dj_database_url.config(" in source:
        names.add("DATABASE_URL")
    return names


def test_web_waits_for_a_healthy_database_and_cache(compose):
    services = compose["services"]

    assert set(services) >= {"db", "cache", "web", "lb", "worker", "beat"}
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["cache"]["condition"] == "service_healthy"
    assert "healthcheck" in services["cache"]
    assert "healthcheck" in services["db"]
    assert "healthcheck" in services["web"]


def test_database_url_points_at_the_db_service(compose, web_env):
    db_env = {k: interpolate(v) for k, v in compose["services"]["db"]["environment"].items()}
    url = urlsplit(web_env["DATABASE_URL"])

    assert url.scheme in {"postgres", "postgresql"}
    assert url.hostname == "db"
    assert url.port == 5432
    assert url.username == db_env["POSTGRES_USER"]
    assert url.password == db_env["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == db_env["POSTGRES_DB"]


def test_redis_url_points_at_the_cache_service(web_env):
    url = urlsplit(web_env["REDIS_URL"])

    assert (url.scheme, url.hostname, url.port) == ("redis", "cache", 6379)


def test_every_variable_given_to_web_is_read_somewhere(web_env):
    unknown = set(web_env) - variables_read_by_settings() - READ_OUTSIDE_SETTINGS

    assert not unknown, f"set in docker-compose.yml but read by nothing: {unknown}"
    entrypoint = (BASE_DIR / "docker" / "entrypoint.sh").read_text()
    assert all(name in entrypoint for name in {"LOAD_DEMO_DATA", "SECRET_KEY"})


def test_the_load_balancer_publishes_the_site_and_reaches_the_port_gunicorn_binds(compose):
    web, lb = compose["services"]["web"], compose["services"]["lb"]
    config = (BASE_DIR / "docker" / "haproxy.cfg").read_text()
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    bind = re.search(r'"--bind", "0\.0\.0\.0:(\d+)"', dockerfile)
    probe = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*?)'", " ".join(web["healthcheck"]["test"]))
    servers = re.search(r"^\s*server-template web \d+ web:(\d+) .*resolvers docker", config, re.M)
    listens = re.search(r"^\s*bind :(\d+)$", config, re.M)
    lb_check = re.search(r"^\s*http-check send meth GET uri (\S+)", config, re.M)

    assert bind
    assert probe
    assert servers
    assert listens
    assert lb_check
    # Web publishes no host port, so that `--scale web=3` starts three.
    assert "ports" not in web
    assert {int(port) for port in web["expose"]} == {int(bind.group(1))}
    assert int(servers.group(1)) == int(bind.group(1)) == int(probe.group(1))
    assert resolve(probe.group(2)).func == health
    assert resolve(lb_check.group(1)).func == health
    published = {tuple(map(int, mapping.split(":")[-2:])) for mapping in lb["ports"]}
    assert {target for _, target in published} == {int(listens.group(1))}
    assert "./docker/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in lb["volumes"]
    assert lb["depends_on"]["web"]["condition"] == "service_healthy"


def test_web_trusts_exactly_the_load_balancers_forwarded_address(web_env):
    assert web_env["TRUSTED_PROXY_COUNT"] == "1"


def test_named_volumes_are_declared(compose):
    declared = set(compose["volumes"])
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith("./") or source in declared


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_the_queue_runs_with_the_web_services_settings(compose, web_env, service):
    queue = compose["services"][service]
    env = {k: interpolate(v) for k, v in queue["environment"].items()}

    assert queue["command"][:3] == ["celery", "-A", "techvote"]
    assert queue["command"][3] == service
    assert {k: v for k, v in env.items() if k != "PREPARE_DATABASE"} == web_env
    assert env["PREPARE_DATABASE"] == "false"  # Only web migrates.
    assert queue["depends_on"]["web"]["condition"] == "service_healthy"
    assert "web-data:/app/data" in queue["volumes"]  # The same secret key as web.
