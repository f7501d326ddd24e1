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
from bot.channels.widget import ASSETS, WIDGET_DIR
from bot.settings import OFFLINE_ENV, SERVING_THREADS_ENV
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
    assert urlparse(endpoints.action.url).hostname == "actions-lb"


def test_production_channels_are_the_authenticated_ones_only(rasa_env: Dict[str, str]) -> None:
    channels: Dict[str, Dict[str, Any]] = read_config_file(str(DEPLOY / "credentials.yml"))
    for path in channels:
        assert issubclass(class_from_module_path(path), InputChannel), path
    # Not the open REST channel (anyone could name any conversation), nor Rasa's own, which do not redact.
    # The widget's files and the metrics are channels too, ones that receive no messages.
    assert set(channels) == {"bot.channels.app.AppInput", "bot.channels.socketio.RedactingSocketIOInput",
                             "bot.channels.widget.WidgetInput", "bot.channels.metrics.MetricsInput"}
    app = channels["bot.channels.app.AppInput"]
    socketio = channels["bot.channels.socketio.RedactingSocketIOInput"]
    assert socketio["require_token"] is True
    for settings in (app, socketio):
        assert {"jwt_algorithm", "jwt_secret_env", "jwt_audience", "leeway_seconds"} <= set(settings)
        assert settings["jwt_secret_env"] in rasa_env, "the JWT secret's variable is not set by compose"
    assert set(socketio) - {"policy", "user_message_evt", "bot_message_evt", "session_persistence",
                            "require_token", "rate_limits"} <= set(TOKEN_SETTINGS)


def test_every_message_channel_limits_senders_and_the_proxy_limits_browser_addresses_in_front() -> None:
    from bot.channels.ratelimit import APP_DEFAULTS, RateLimits

    channels: Dict[str, Dict[str, Any]] = read_config_file(str(DEPLOY / "credentials.yml"))
    app = RateLimits.from_credentials(channels["bot.channels.app.AppInput"], APP_DEFAULTS)  # raises if it cannot work
    socketio = RateLimits.from_credentials(channels["bot.channels.socketio.RedactingSocketIOInput"])
    assert app.sender_per_minute > 0 and socketio.sender_per_minute > 0
    # The app channel's callers are the bank's backends, one address for all customers: no limit per address,
    # in the servers or in front of them. Browsers (socket.io) are limited per address, the one the proxy saw.
    assert app.address_per_minute == 0
    assert socketio.address_per_minute > 0 and socketio.trusted_proxies == 1
    nginx = (DEPLOY / "nginx.conf").read_text()
    zones = dict(re.findall(r"limit_req_zone\s+\$binary_remote_addr\s+zone=(\w+):\S+\s+rate=(\d+)r/s;", nginx))
    assert re.search(r"limit_req_status\s+429;", nginx)
    served = locations(nginx)
    used = re.search(r"limit_req\s+zone=(\w+)\s+burst=\d+", served["/socket.io/"])
    assert used is not None and used.group(1) in zones
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in served["/socket.io/"]
    assert "limit_req " not in served["/webhooks/app/"]
    ingresses = {d["metadata"]["name"]: d["metadata"]["annotations"] for d in k8s_documents() if d["kind"] == "Ingress"}
    assert int(ingresses["finbot-socketio"]["nginx.ingress.kubernetes.io/limit-rps"]) > 0
    assert "nginx.ingress.kubernetes.io/limit-rps" not in ingresses["finbot-app"]


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


def test_servers_run_with_the_serving_thread_pools() -> None:
    """The pools ``finbot run`` gives its servers, in compose and Kubernetes too (not in the image: training
    there keeps every core)."""
    for name in ("rasa-1", "actions-1"):
        environment = compose()["services"][name]["environment"]
        assert {k: str(environment[k]) for k in SERVING_THREADS_ENV} == SERVING_THREADS_ENV, name
    configmap = next(d for d in k8s_documents() if d["kind"] == "ConfigMap")
    assert {k: configmap["data"][k] for k in SERVING_THREADS_ENV} == SERVING_THREADS_ENV
    assert not any(f"{name}=" in (DEPLOY / "Dockerfile").read_text() for name in SERVING_THREADS_ENV)


def upstreams(nginx: str) -> Dict[str, List[Tuple[str, int]]]:
    """Each nginx upstream block's servers, as (host, port)."""
    found: Dict[str, List[Tuple[str, int]]] = {}
    for name, body in re.findall(r"upstream\s+(\w+)\s*\{(.*?)\}", nginx, re.DOTALL):
        found[name] = [(host, int(port)) for host, port in re.findall(r"^\s*server\s+([\w.-]+):(\d+)", body, re.M)]
    return found


def test_nginx_upstreams_are_the_compose_services_on_their_ports() -> None:
    services = compose()["services"]
    nginx = (DEPLOY / "nginx.conf").read_text()
    internal = (DEPLOY / "nginx-actions.conf").read_text()
    balanced = {**upstreams(nginx), **upstreams(internal)}
    assert "actions" not in upstreams(nginx)  # the public load balancer cannot reach the action servers
    rasa = {name for name in services if name.startswith("rasa-")}
    actions = {name for name in services if re.fullmatch(r"actions-\d+", name)}
    assert len(rasa) >= 2 and len(actions) >= 2
    for upstream in ("rasa", "rasa_socketio"):
        assert {host for host, _ in balanced[upstream]} == rasa, upstream
    assert {host for host, _ in balanced["actions"]} == actions
    for members in balanced.values():
        for host, port in members:
            assert port == service_port(services[host]["command"]), f"{host}:{port}"
    # The Rasa servers' action endpoint is the internal load balancer of the action upstream.
    action_url = urlparse(services["rasa-1"]["environment"]["FINBOT_ACTIONS_URL"])
    assert action_url.hostname == "actions-lb"
    assert "./nginx-actions.conf:/etc/nginx/nginx.conf:ro" in services["actions-lb"]["volumes"]
    server_block = re.search(rf"listen\s+{action_url.port};(.*?)\n    \}}", internal, re.DOTALL)
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


def test_compose_keeps_the_action_servers_off_the_published_network() -> None:
    definition = compose()
    services = definition["services"]
    assert definition["networks"]["internal"]["internal"] is True
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx"}
    public_networks = {network for name in published for network in services[name]["networks"]}
    for name in ("actions-1", "actions-2", "actions-lb"):
        assert not set(services[name]["networks"]) & public_networks, name
        assert "ports" not in services[name], name
    for name in ("rasa-1", "rasa-2"):
        assert "internal" in services[name]["networks"], name
    # The action servers share their replay cache through the deployment's Redis.
    assert services["actions-1"]["environment"]["FINBOT_REDIS_HOST"] == "redis"


def test_kubernetes_lets_only_the_rasa_pods_reach_the_action_pods() -> None:
    documents = k8s_documents()
    [policy] = [d for d in documents if d["kind"] == "NetworkPolicy"]
    actions = next(d for d in documents if d["kind"] == "Deployment" and d["metadata"]["name"] == "finbot-actions")
    rasa = next(d for d in documents if d["kind"] == "Deployment" and d["metadata"]["name"] == "finbot-rasa")
    spec = policy["spec"]
    assert spec["podSelector"]["matchLabels"].items() <= actions["spec"]["template"]["metadata"]["labels"].items()
    assert spec["policyTypes"] == ["Ingress"]
    [rule] = spec["ingress"]
    [source] = rule["from"]
    assert set(source) == {"podSelector"}  # no namespace or address range: Rasa's pods only
    assert source["podSelector"]["matchLabels"].items() <= rasa["spec"]["template"]["metadata"]["labels"].items()
    port = service_port(container(documents, "finbot-actions")["command"])
    assert rule["ports"] == [{"protocol": "TCP", "port": port}]
    # The action pods get the Redis settings for their shared replay cache.
    names = {item["name"] for item in container(documents, "finbot-actions")["env"]}
    assert "FINBOT_REDIS_PASSWORD" in names


def test_kubernetes_purges_on_a_schedule_with_the_deploy_endpoints_and_the_secrets_it_needs() -> None:
    from click.testing import CliRunner

    from bot.cli import main

    documents = k8s_documents()
    [cron] = [d for d in documents if d["kind"] == "CronJob"]
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    [job] = pod["containers"]
    command = job["command"]
    assert command[:4] == ["finbot", "--project-dir", "/app", "purge"]
    assert command[command.index("--endpoints") + 1] == "deploy/endpoints.yml"
    assert (ROOT / "deploy" / "endpoints.yml").exists()
    assert CliRunner().invoke(main, ["purge", "--help"]).exit_code == 0  # the command exists as written
    refs = {e["valueFrom"]["secretKeyRef"]["key"] for e in job["env"]}
    # The vault key and URL, and the password of the tracker store that deploy/endpoints.yml names.
    assert {"FINBOT_VAULT_KEY", "FINBOT_VAULT_URL", "FINBOT_POSTGRES_PASSWORD"} <= refs
    secret_keys = set(next(d for d in documents if d["kind"] == "Secret")["stringData"])
    assert refs <= secret_keys
    assert pod["securityContext"]["runAsNonRoot"] is True and cron["spec"]["concurrencyPolicy"] == "Forbid"


def locations(nginx: str) -> Dict[str, str]:
    """Each nginx ``location`` (its modifier and path, e.g. ``= /widget/x.js``) and its block's text."""
    return {f"{modifier} {path}".strip(): body
            for modifier, path, body in re.findall(r"location\s+(=|~\*?|\^~)?\s*(\S+)\s*\{(.*?)\}", nginx, re.S)}


def test_requests_without_an_idempotency_key_are_not_pinned_to_one_server() -> None:
    """Idempotency keys live in Redis, so nothing needs affinity by key: no hash of the header (an absent
    header hashes alike, and would send every request without a key to one server)."""
    nginx = (DEPLOY / "nginx.conf").read_text()
    app = locations(nginx)["/webhooks/app/"]
    assert "proxy_pass http://rasa;" in app
    assert re.search(r"upstream\s+rasa\s*\{[^}]*\b(hash|ip_hash|sticky)\b", nginx) is None  # round robin
    assert "idempotency" not in "\n".join(line.split("#")[0] for line in nginx.lower().splitlines())
    for document in k8s_documents():
        annotations = document["metadata"].get("annotations", {})
        assert not [name for name in annotations if "hash-by" in name], document["metadata"]["name"]
    # ...because the Rasa servers get the deployment's Redis, where the app channel keeps the keys.
    from bot.redis_settings import RedisSettings

    compose_env = {name: resolved(value) for name, value in compose()["services"]["rasa-1"]["environment"].items()}
    assert RedisSettings.from_environment(compose_env) is not None
    configmap = next(d for d in k8s_documents() if d["kind"] == "ConfigMap")
    assert RedisSettings.from_environment(configmap["data"]) is not None
    assert "FINBOT_REDIS_PASSWORD" in {item["name"] for item in container(k8s_documents(), "finbot-rasa")["env"]}


def widget_files() -> Set[str]:
    """The widget's script and the files it loads from beside itself (``assetUrl("...")`` in the script)."""
    script = (WIDGET_DIR / ASSETS["finbot-widget.js"][0]).read_text()
    return {"finbot-widget.js", *re.findall(r'assetUrl\("([^"]+)"\)', script)}


def test_the_widget_files_are_served_and_published_and_nothing_else_under_widget() -> None:
    files = widget_files()
    assert files == {"finbot-widget.js", "finbot-widget.css", "socket.io.min.js"}
    assert files <= set(ASSETS)  # WidgetInput serves each
    public = {f"/widget/{name}" for name in files}
    nginx = locations((DEPLOY / "nginx.conf").read_text())
    published = {where.split()[-1] for where in nginx if "/widget" in where}
    assert published == public  # not the demo page, nor its demo.css
    assert all("proxy_pass http://rasa;" in nginx[f"= {path}"] for path in public)
    ingress = {path["path"]: path["pathType"] for document in k8s_documents() if document["kind"] == "Ingress"
               for rule in document["spec"]["rules"] for path in rule["http"]["paths"]}
    assert {path for path in ingress if path.startswith("/widget")} == public
    assert all(ingress[path] == "Exact" for path in public)


def test_the_image_holds_the_widget_files_where_the_deploy_credentials_look() -> None:
    channels: Dict[str, Dict[str, Any]] = read_config_file(str(DEPLOY / "credentials.yml"))
    folder = Path(channels["bot.channels.widget.WidgetInput"]["widget_dir"])
    dockerfile = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    workdir = Path(re.findall(r"^WORKDIR (\S+)$", dockerfile, re.M)[-1])
    copied = set()
    for line in re.findall(r"^COPY (.+)$", dockerfile, re.M):
        *_, destination = line.split()
        copied.add(workdir / destination)
    for name in widget_files():
        where = folder / ASSETS[name][0]
        assert where in copied or where.parent in copied, f"{name} is not copied to {where}"
    assert "npm ci" in dockerfile  # socket.io-client exactly as widget/package-lock.json pins it


def finbot_services() -> Dict[str, Dict[str, Any]]:
    return {name: service for name, service in compose()["services"].items()
            if re.fullmatch(r"(rasa|actions)-\d+", name)}


def test_compose_runs_the_finbot_containers_hardened_on_a_local_image() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for name, service in finbot_services().items():
        # Built here (deploy/Dockerfile's tag), never pulled: a bare name could be anyone's on Docker Hub.
        assert service["image"] == "finbot:local" and service["pull_policy"] == "never", name
        assert f"-t {service['image']} " in dockerfile
        assert service["user"] == "10001:10001" and service["read_only"] is True, name
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
        tmpfs = {entry.split(":")[0]: entry for entry in service["tmpfs"]}
        assert set(tmpfs) == {"/tmp", service["environment"]["FINBOT_VAR_DIR"]}, name
        assert all("uid=10001" in entry for entry in tmpfs.values()), name
