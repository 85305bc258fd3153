"""The rendered manifests and this app agree: probe paths are real routes with the right
behaviour, ports match, the migration Job runs a real command, and the Dockerfile's user and
port are the ones the Deployment expects."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml
from conftest import JWT_SECRET

from todo_api.config import Settings
from todo_api.main import create_app
from todo_api.routes.health import LIVENESS_PATH, READINESS_PATH

REPO = Path(__file__).resolve().parents[3]
BACKEND = Path(__file__).resolve().parents[1]
ENVIRONMENTS = sorted(p.name for p in (REPO / "rendered").iterdir() if p.is_dir())


def rendered(env: str, name: str) -> dict:
    return yaml.safe_load((REPO / "rendered" / env / name).read_text())


# nginx's proxy-read-timeout when an Ingress sets none.
NGINX_PROXY_READ_TIMEOUT = 60


def api_route(env: str) -> dict:
    """The path prefix that reaches the backend, and how long the proxy waits on it, from the
    environment's routing: an HTTPRoute (Gateway API) or the data model's Ingress."""
    folder = REPO / "rendered" / env
    for file in sorted(folder.glob("httproute-*.yaml")):
        for rule in yaml.safe_load(file.read_text())["spec"].get("rules", []):
            if any(b["name"] == "todo-backend-svc" for b in rule.get("backendRefs", [])):
                timeout = rule.get("timeouts", {}).get("request")
                assert timeout is not None and timeout.endswith("s"), "the API's route must state its timeout"
                return {"prefix": rule["matches"][0]["path"]["value"], "timeout": int(timeout[:-1])}
    ingress = rendered(env, "ingress-todo-ingress.yaml")
    annotations = ingress["metadata"].get("annotations", {})
    path = next(
        p for p in ingress["spec"]["rules"][0]["http"]["paths"] if p["backend"]["service"]["name"] == "todo-backend-svc"
    )
    timeout = int(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout", NGINX_PROXY_READ_TIMEOUT))
    return {"prefix": path["path"], "timeout": timeout}


@pytest.fixture(scope="module")
def routes() -> set[tuple[str, str]]:
    app = create_app(Settings(DATABASE_URL="postgresql://u@127.0.0.1:1/db", JWT_SECRET=JWT_SECRET))
    # The OpenAPI document is the app's public list of routes.
    return {(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_probes_use_the_apps_health_routes(env: str, routes: set[tuple[str, str]]) -> None:
    container = rendered(env, "deployment-todo-backend.yaml")["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == READINESS_PATH
    assert container["livenessProbe"]["httpGet"]["path"] == LIVENESS_PATH
    assert container["startupProbe"]["httpGet"]["path"] == LIVENESS_PATH
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert ("GET", container[probe]["httpGet"]["path"]) in routes
        assert container[probe]["httpGet"]["port"] == Settings.model_fields["PORT"].default
    # /health answers within the readiness probe's timeout.
    assert Settings.model_fields["HEALTH_TIMEOUT_SECONDS"].default < container["readinessProbe"]["timeoutSeconds"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_ports_and_ingress_reach_the_api(env: str, routes: set[tuple[str, str]]) -> None:
    port = Settings.model_fields["PORT"].default
    container = rendered(env, "deployment-todo-backend.yaml")["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"][0]["containerPort"] == port
    service = rendered(env, "service-todo-backend-svc.yaml")
    assert service["spec"]["ports"][0]["targetPort"] == port
    prefix = api_route(env)["prefix"]
    # The route forwards the prefix unchanged, so every API route must live under it.
    api_routes = [path for _, path in routes if path not in (READINESS_PATH, LIVENESS_PATH)]
    assert api_routes and all(path.startswith(prefix + "/") for path in api_routes)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_migration_job_runs_a_real_command(env: str) -> None:
    container = rendered(env, "job-todo-backend-migrate.yaml")["spec"]["template"]["spec"]["containers"][0]
    python, flag, module = container["command"]
    assert (python, flag) == ("python", "-m")
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    assert "def main()" in Path(spec.origin).read_text()


def test_the_image_runs_as_the_user_and_port_the_deployment_expects() -> None:
    dockerfile = (BACKEND / "Dockerfile").read_text()
    pod = rendered(ENVIRONMENTS[0], "deployment-todo-backend.yaml")["spec"]["template"]["spec"]
    uid = pod["securityContext"]["runAsUser"]
    assert re.search(rf"^USER {uid}:{uid}$", dockerfile, re.M)
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.M)
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert '"python", "-m", "todo_api"' in dockerfile


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_chat_ends_well_before_the_proxy_gives_up(env: str) -> None:
    proxy = api_route(env)["timeout"]
    deadline = Settings.model_fields["CHAT_DEADLINE_SECONDS"].default
    # Well under: the chat's 504 with its detail reaches the user, not the proxy's bare 504.
    assert deadline <= proxy / 2


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_deployments_settings_are_ones_the_app_accepts_and_its_grace_covers_the_drain(env: str) -> None:
    pod = rendered(env, "deployment-todo-backend.yaml")["spec"]["template"]["spec"]
    container = pod["containers"][0]
    values = {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
    # The app's own start-up validation, on what the Deployment sets (the Secret's values aside).
    settings = Settings(DATABASE_URL="postgresql://u@127.0.0.1:1/db", JWT_SECRET=JWT_SECRET, **values)
    # SIGTERM comes after the preStop pause; uvicorn then drains for GRACEFUL_SHUTDOWN_SECONDS,
    # and the kubelet must not kill the pod before both are over.
    pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["terminationGracePeriodSeconds"] > pause + settings.GRACEFUL_SHUTDOWN_SECONDS
