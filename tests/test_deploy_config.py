"""The production configuration in deploy/ agrees with the code: classes, environment, ports.

Nothing here runs a server: the files are loaded as Rasa, compose, nginx and
Kubernetes would read them, and checked against what the code imports and reads.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple
from urllib.parse import urlparse

import pytest
import yaml
from rasa.core.channels.channel import InputChannel
from rasa.core.utils import AvailableEndpoints
from rasa.shared.utils.common import class_from_module_path
from rasa.shared.utils.io import read_config_file

from bot.channels.socketio import TOKEN_SETTINGS
from bot.settings import OFFLINE_ENV
from bot.stores import RedactingEventBroker, RedactingTrackerStore

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
INTERPOLATED = re.compile(r"\$\{([A-Z0-9_]+)\}")
COMPOSE_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)(?::?[?-][^}]*)?\}")


def load(name: str) -> Any:
    return yaml.safe_load((DEPLOY / name).read_text())


def k8s_documents() -> List[Dict[str, Any]]:
    return [doc for path in sorted((DEPLOY / "k8s").glob("*.yml")) for doc in yaml.safe_load_all(path.read_text())]


def compose() -> Dict[str, Any]:
    compose_file: Dict[str, Any] = load("compose.yml")
    return compose_file


def resolved(value: Any) -> str:
    """A compose value with ``${VAR:?...}`` placeholders as compose would fill them (here: a dummy)."""
    return COMPOSE_VARIABLE.sub(lambda m: f"dummy-{m.group(1).lower()}", str(value))


def service_port(command: List[str]) -> int:
    return int(command[command.index("--port") + 1])


def endpoint_variables() -> Set[str]:
    """The ``${VAR}`` that Rasa fills in deploy/endpoints.yml (comments left out)."""
    lines = (line.split("#", 1)[0] for line in (DEPLOY / "endpoints.yml").read_text().splitlines())
    return set(INTERPOLATED.findall("\n".join(lines)))


def code_text() -> str:
    return "\n".join(path.read_text() for path in (ROOT / "bot").rglob("*.py"))


@pytest.fixture()
def rasa_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dict[str, str]]:
    """The environment compose gives a Rasa server, set in this process (Rasa reads ${VAR} from it)."""
    env = {name: resolved(value) for name, value in compose()["services"]["rasa-1"]["environment"].items()}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield env


def test_endpoints_load_as_rasa_reads_them_with_the_redacting_wrappers(rasa_env: Dict[str, str]) -> None:
    endpoints = AvailableEndpoints.read_endpoints(str(DEPLOY / "endpoints.yml"))
    assert endpoints.tracker_store is not None and endpoints.event_broker is not None
    assert endpoints.lock_store is not None and endpoints.action is not None
    assert class_from_module_path(endpoints.tracker_store.type) is RedactingTrackerStore
    assert class_from_module_path(endpoints.event_broker.type) is RedactingEventBroker
    store, broker = endpoints.tracker_store.kwargs["store"], endpoints.event_broker.kwargs["broker"]
    assert (store["type"], store["dialect"], store["url"]) == ("SQL", "postgresql", "postgres")
    assert (broker["type"], broker["url"]) == ("pika", "rabbitmq")
    assert endpoints.lock_store.type == "redis" and endpoints.lock_store.url == "redis"
    # Rasa ignores a key prefix that is not alphanumeric (with a warning only).
    assert str(endpoints.lock_store.kwargs["key_prefix"]).isalnum()
    assert urlparse(endpoints.action.url).hostname == "nginx"


def test_production_channels_are_the_authenticated_ones_only(rasa_env: Dict[str, str]) -> None:
    channels: Dict[str, Dict[str, Any]] = read_config_file(str(DEPLOY / "credentials.yml"))
    for path in channels:
        assert issubclass(class_from_module_path(path), InputChannel), path
    # Not the open REST channel (anyone could name any conversation), nor Rasa's own, which do not redact.
    assert set(channels) == {"bot.channels.app.AppInput", "bot.channels.socketio.RedactingSocketIOInput"}
    app = channels["bot.channels.app.AppInput"]
    socketio = channels["bot.channels.socketio.RedactingSocketIOInput"]
    assert socketio["require_token"] is True
    for settings in (app, socketio):
        assert {"jwt_algorithm", "jwt_secret_env", "jwt_audience", "leeway_seconds"} <= set(settings)
        assert settings["jwt_secret_env"] in rasa_env, "the JWT secret's variable is not set by compose"
    assert set(socketio) - {"policy", "user_message_evt", "bot_message_evt", "session_persistence",
                            "require_token"} <= set(TOKEN_SETTINGS)


def test_every_endpoint_variable_is_set_by_compose_and_by_kubernetes() -> None:
    needed = endpoint_variables()
    assert needed, "deploy/endpoints.yml reads no variables"
    assert needed <= set(compose()["services"]["rasa-2"]["environment"])
    configmap = next(d for d in k8s_documents() if d["kind"] == "ConfigMap")
    rasa = container(k8s_documents(), "finbot-rasa")
    from_secret = {item["name"] for item in rasa["env"] if "secretKeyRef" in item.get("valueFrom", {})}
    assert needed <= set(configmap["data"]) | from_secret


def test_every_finbot_variable_given_to_a_server_is_read_by_the_code() -> None:
    code = code_text()
    given: Set[str] = set()
    for service in compose()["services"].values():
        given |= {name for name in service.get("environment", {}) if name.startswith("FINBOT_")}
    for document in k8s_documents():
        given |= {name for name in document.get("data", {}) | document.get("stringData", {})
                  if name.startswith("FINBOT_")}
    unread = {name for name in given - endpoint_variables() if f'"{name}"' not in code}
    assert unread == set(), "variables that no code reads"
    assert {"FINBOT_VAULT_KEY", "FINBOT_VAULT_URL", "FINBOT_JWT_SECRET"} <= given


def test_servers_run_offline_everywhere() -> None:
    for name in ("rasa-1", "actions-1"):
        assert set(OFFLINE_ENV) <= set(compose()["services"][name]["environment"]), name
    configmap = next(d for d in k8s_documents() if d["kind"] == "ConfigMap")
    assert {k: str(v) for k, v in OFFLINE_ENV.items()} == {k: configmap["data"][k] for k in OFFLINE_ENV}
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert all(f"{name}=" in dockerfile for name in OFFLINE_ENV)


def upstreams(nginx: str) -> Dict[str, List[Tuple[str, int]]]:
    """Each nginx upstream block's servers, as (host, port)."""
    found: Dict[str, List[Tuple[str, int]]] = {}
    for name, body in re.findall(r"upstream\s+(\w+)\s*\{(.*?)\}", nginx, re.DOTALL):
        found[name] = [(host, int(port)) for host, port in re.findall(r"^\s*server\s+([\w.-]+):(\d+)", body, re.M)]
    return found


def test_nginx_upstreams_are_the_compose_services_on_their_ports() -> None:
    services = compose()["services"]
    nginx = (DEPLOY / "nginx.conf").read_text()
    balanced = upstreams(nginx)
    rasa = {name for name in services if name.startswith("rasa-")}
    actions = {name for name in services if name.startswith("actions-")}
    assert len(rasa) >= 2 and len(actions) >= 2
    for upstream in ("rasa", "rasa_socketio", "rasa_app"):
        assert {host for host, _ in balanced[upstream]} == rasa, upstream
    assert {host for host, _ in balanced["actions"]} == actions
    for members in balanced.values():
        for host, port in members:
            assert port == service_port(services[host]["command"]), f"{host}:{port}"
    # The Rasa servers' action endpoint is nginx's internal server for the action upstream.
    action_url = urlparse(services["rasa-1"]["environment"]["FINBOT_ACTIONS_URL"])
    assert action_url.hostname == "nginx"
    server_block = re.search(rf"listen\s+{action_url.port};(.*?)\n    \}}", nginx, re.DOTALL)
    assert server_block is not None and "proxy_pass http://actions;" in server_block.group(1)
    # Nothing public reaches Rasa's API or the open REST webhook.
    assert "/webhooks/rest/" not in nginx and "location /conversations" not in nginx


def test_compose_runs_the_servers_on_the_deploy_files() -> None:
    services = compose()["services"]
    command = services["rasa-1"]["command"]
    assert command[command.index("--endpoints") + 1] == "deploy/endpoints.yml"
    assert command[command.index("--credentials") + 1] == "deploy/credentials.yml"
    assert services["actions-1"]["command"][:3] == ["python", "-m", "bot.action_server"]
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "COPY deploy/endpoints.yml deploy/credentials.yml deploy/" in dockerfile
    cmd = re.search(r"^CMD (\[.*?\])$", dockerfile.replace("\\\n", ""), re.M | re.S)
    assert cmd is not None and shlex.split(" ".join(yaml.safe_load(cmd.group(1)))) == command


def container(documents: List[Dict[str, Any]], deployment: str) -> Dict[str, Any]:
    found = next(d for d in documents if d["kind"] == "Deployment" and d["metadata"]["name"] == deployment)
    containers: List[Dict[str, Any]] = found["spec"]["template"]["spec"]["containers"]
    return containers[0]


def test_kubernetes_ports_services_and_secrets_agree() -> None:
    documents = k8s_documents()
    services = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Service"}
    secret_keys = set(next(d for d in documents if d["kind"] == "Secret")["stringData"])
    for name in ("finbot-rasa", "finbot-actions"):
        deployment = next(d for d in documents if d["kind"] == "Deployment" and d["metadata"]["name"] == name)
        assert deployment["spec"]["replicas"] >= 2
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert services[name]["spec"]["selector"].items() <= labels.items()
        spec = container(documents, name)
        port = service_port(spec["command"])
        assert [p["containerPort"] for p in spec["ports"]] == [port]
        assert [p["targetPort"] for p in services[name]["spec"]["ports"]] == [port]
        refs = {e["valueFrom"]["secretKeyRef"]["key"] for e in spec["env"] if "valueFrom" in e}
        assert refs <= secret_keys and {"FINBOT_VAULT_KEY", "FINBOT_VAULT_URL"} <= refs
    configmap = next(d for d in documents if d["kind"] == "ConfigMap")
    actions = urlparse(configmap["data"]["FINBOT_ACTIONS_URL"])
    assert actions.hostname in services and actions.port == services[actions.hostname]["spec"]["ports"][0]["port"]
    for ingress in (d for d in documents if d["kind"] == "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["name"] == "finbot-rasa" and backend["port"]["number"] == 5005
                assert not path["path"].startswith(("/webhooks/rest", "/conversations", "/model"))
