"""deploy/k8s/ as a cluster would take it: valid against the Kubernetes API schemas, and admitted by the
"restricted" Pod Security Standard, with an image that no node pulls from a public registry by accident.

No cluster and no network: the schemas are the ones kubernetes-validate bundles (a pinned test dependency
in requirements-nodeps.lock), read from its folder and checked with the jsonschema that Rasa pins (the
package's own code needs a newer one). The strict schemas refuse unknown fields, so a misspelt key fails
as a wrong type or a missing required field does; each check is also shown to fail on a broken copy.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
# The oldest and the newest Kubernetes that kubernetes-validate bundles schemas for: the manifests must
# hold for every version between.
SCHEMA_VERSIONS = ("1.25.0", "1.37.0")
# What the restricted Pod Security Standard admits (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                      "projected", "secret"}
RESTRICTED_ADD_CAPABILITIES = {"NET_BIND_SERVICE"}
RESTRICTED_SECCOMP = {"RuntimeDefault", "Localhost"}
# A registry host (with a dot or a port) before the first slash: a bare "finbot:latest" would be looked
# for on Docker Hub.
QUALIFIED_IMAGE = re.compile(r"(?P<registry>[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?|[a-z0-9-]+:\d+)/[a-z0-9._/-]+"
                             r":(?P<tag>[A-Za-z0-9._-]+)")
WRITABLE = {"/tmp", "/var/lib/finbot"}  # where the processes write: the var dir (also $HOME) and /tmp


def documents() -> Iterator[Tuple[str, Dict[str, Any]]]:
    for path in sorted(K8S.glob("*.yml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document is not None:
                yield path.name, document


# --- the API schemas ---------------------------------------------------------------------------------


def schema_folder(version: str) -> Path:
    # Found, not imported: importing kubernetes_validate needs jsonschema>=4.23, and Rasa pins <4.18.
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("kubernetes-validate is not installed: run make setup (requirements-nodeps.lock)", pytrace=False)
    folder = Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema" / f"v{version}-local-strict"
    assert folder.is_dir(), f"kubernetes-validate has no schemas for Kubernetes {version}"
    return folder


@functools.cache
def definitions(version: str) -> Dict[str, Any]:
    loaded: Dict[str, Any] = json.loads((schema_folder(version) / "_definitions.json").read_text())
    return loaded


@functools.cache
def validator(version: str, api_version: str, kind: str) -> jsonschema.Draft202012Validator:
    """The strict schema of ``kind`` in ``api_version`` (its references resolved in the bundled definitions)."""
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)  # networking.k8s.io/v1 -> networking-v1
    path = schema_folder(version) / f"{kind.lower()}-{group}.json"
    if not path.exists():
        raise AssertionError(f"Kubernetes {version} has no {kind} in {api_version}")
    schema = json.loads(path.read_text())
    defs = definitions(version)
    resolver = jsonschema.RefResolver.from_schema(schema, store={defs["$id"]: defs})
    return jsonschema.Draft202012Validator(schema, resolver=resolver)


def schema_errors(document: Dict[str, Any], version: str) -> List[str]:
    checker = validator(version, str(document.get("apiVersion")), str(document.get("kind")))
    return [f"{'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in checker.iter_errors(document)]


@pytest.mark.parametrize("version", SCHEMA_VERSIONS)
def test_every_manifest_is_valid_against_the_kubernetes_api_schema(version: str, no_network: List[str]) -> None:
    found = list(documents())
    assert len(found) >= 10
    for name, document in found:
        errors = schema_errors(document, version)
        assert errors == [], f"{name} {document['kind']} {document['metadata']['name']}: {errors}"
    assert no_network == []  # the schemas' references were resolved from the bundle, not fetched


def container_of(document: Dict[str, Any]) -> Dict[str, Any]:
    containers: List[Dict[str, Any]] = document["spec"]["template"]["spec"]["containers"]
    return containers[0]


BREAKAGES: Dict[str, Tuple[Callable[[Dict[str, Any]], Any], str]] = {
    "a misspelt field": (lambda d: container_of(d).update(imagePullPolicyy="IfNotPresent"), "imagePullPolicyy"),
    "a misspelt security field": (lambda d: container_of(d)["securityContext"].update(readOnlyRootFileSystem=True),
                                  "readOnlyRootFileSystem"),
    "a number as text": (lambda d: d["spec"].update(replicas="two"), "replicas"),
    "a missing container name": (lambda d: container_of(d).pop("name"), "'name' is a required property"),
    "a port as a word": (lambda d: container_of(d)["ports"][0].update(containerPort=[5005]), "containerPort"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_the_schema_check_finds_a_broken_manifest(breakage: str) -> None:
    deployment = copy.deepcopy(next(d for _, d in documents() if d["kind"] == "Deployment"))
    assert schema_errors(deployment, SCHEMA_VERSIONS[-1]) == []
    damage, expected = BREAKAGES[breakage]
    damage(deployment)
    errors = schema_errors(deployment, SCHEMA_VERSIONS[-1])
    assert errors and any(expected in error for error in errors), errors


def test_an_unknown_kind_or_api_version_is_not_let_through() -> None:
    deployment = copy.deepcopy(next(d for _, d in documents() if d["kind"] == "Deployment"))
    for broken in ({**deployment, "kind": "Deploymnet"}, {**deployment, "apiVersion": "apps/v1beta9"}):
        with pytest.raises(AssertionError, match="has no"):
            schema_errors(broken, SCHEMA_VERSIONS[-1])


# --- the restricted Pod Security Standard, the image, the writable paths ----------------------------


def pod_specs() -> List[Tuple[str, Dict[str, Any]]]:
    """Every pod template of the manifests, named by kind and name."""
    found = []
    for _, document in documents():
        kind, spec = document["kind"], document.get("spec", {})
        if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
            found.append((f"{kind} {document['metadata']['name']}", spec["template"]["spec"]))
        elif kind == "CronJob":
            found.append((f"{kind} {document['metadata']['name']}", spec["jobTemplate"]["spec"]["template"]["spec"]))
        elif kind == "Pod":
            found.append((f"{kind} {document['metadata']['name']}", spec))
    return found


def restricted_violations(pod: Dict[str, Any]) -> List[str]:
    """What in ``pod`` the restricted Pod Security Standard refuses, plus this project's own rules (a
    read-only root file system; an image from a named registry, pulled only if not present)."""
    found = []
    pod_context = pod.get("securityContext") or {}
    for host in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(host):
            found.append(host)
    for volume in pod.get("volumes") or []:
        kinds = set(volume) - {"name"}
        if not kinds <= RESTRICTED_VOLUMES:
            found.append(f"volume {volume['name']}: {sorted(kinds)}")
    if pod_context.get("runAsUser") == 0:
        found.append("the pod runs as root")
    containers = [*pod.get("initContainers", []), *pod.get("containers", []), *pod.get("ephemeralContainers", [])]
    for container in containers:
        name = container.get("name")
        context = container.get("securityContext") or {}
        capabilities = context.get("capabilities") or {}
        if context.get("privileged"):
            found.append(f"{name}: privileged")
        if context.get("allowPrivilegeEscalation") is not False:
            found.append(f"{name}: allowPrivilegeEscalation is not false")
        if "ALL" not in (capabilities.get("drop") or []):
            found.append(f"{name}: not every capability is dropped")
        if not set(capabilities.get("add") or []) <= RESTRICTED_ADD_CAPABILITIES:
            found.append(f"{name}: adds capabilities")
        non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
        if non_root is not True:
            found.append(f"{name}: runAsNonRoot is not true")
        if context.get("runAsUser", pod_context.get("runAsUser")) in (0, None):
            found.append(f"{name}: no numeric non-root runAsUser")
        seccomp = (context.get("seccompProfile") or pod_context.get("seccompProfile") or {}).get("type")
        if seccomp not in RESTRICTED_SECCOMP:
            found.append(f"{name}: seccompProfile is {seccomp}")
        if any(port.get("hostPort") for port in container.get("ports") or []):
            found.append(f"{name}: hostPort")
        if context.get("readOnlyRootFilesystem") is not True:
            found.append(f"{name}: the root file system is writable")
        if container.get("imagePullPolicy") != "IfNotPresent":
            found.append(f"{name}: imagePullPolicy is {container.get('imagePullPolicy')}")
        image = QUALIFIED_IMAGE.fullmatch(str(container.get("image")))
        if image is None or image.group("tag") == "latest":
            found.append(f"{name}: image {container.get('image')} is not from a named registry with a version")
    return found


def test_every_pod_is_admitted_by_the_restricted_pod_security_standard() -> None:
    pods = pod_specs()
    assert {name for name, _ in pods} >= {"Deployment finbot-rasa", "Deployment finbot-actions", "CronJob finbot-purge"}
    for name, pod in pods:
        assert restricted_violations(pod) == [], name
        assert pod.get("automountServiceAccountToken") is False, name  # no pod here talks to the API


def test_the_namespace_enforces_the_restricted_standard_on_every_manifest() -> None:
    namespaces = [d for _, d in documents() if d["kind"] == "Namespace"]
    [namespace] = namespaces
    labels = namespace["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    for name, document in documents():
        if document["kind"] != "Namespace":
            assert document["metadata"].get("namespace") == namespace["metadata"]["name"], name


MUTATIONS: Dict[str, Callable[[Dict[str, Any]], Any]] = {
    "privilege escalation allowed": lambda p: p["containers"][0]["securityContext"].pop("allowPrivilegeEscalation"),
    "a capability kept": lambda p: p["containers"][0]["securityContext"]["capabilities"].update(drop=["NET_RAW"]),
    "a capability added": lambda p: p["containers"][0]["securityContext"]["capabilities"].update(add=["SYS_ADMIN"]),
    "root allowed": lambda p: p["securityContext"].pop("runAsNonRoot"),
    "root user": lambda p: p["containers"][0]["securityContext"].update(runAsUser=0),
    "no seccomp profile": lambda p: p["securityContext"].pop("seccompProfile"),
    "seccomp unconfined": lambda p: p["securityContext"].update(seccompProfile={"type": "Unconfined"}),
    "a privileged container": lambda p: p["containers"][0]["securityContext"].update(privileged=True),
    "a host path": lambda p: p["volumes"].append({"name": "host", "hostPath": {"path": "/"}}),
    "the host's network": lambda p: p.update(hostNetwork=True),
    "a writable root": lambda p: p["containers"][0]["securityContext"].pop("readOnlyRootFilesystem"),
    "no pull policy": lambda p: p["containers"][0].pop("imagePullPolicy"),
    "always pulled": lambda p: p["containers"][0].update(imagePullPolicy="Always"),
    "a bare image name": lambda p: p["containers"][0].update(image="finbot:0.1.0"),
    "the latest tag": lambda p: p["containers"][0].update(image="registry.example.internal/finbot:latest"),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_the_pod_check_finds_each_breach(mutation: str) -> None:
    pod = copy.deepcopy(dict(pod_specs())["Deployment finbot-rasa"])
    MUTATIONS[mutation](pod)
    assert restricted_violations(pod) != []


def test_one_image_from_a_named_registry_documented_in_the_readme() -> None:
    images = {container["image"] for _, pod in pod_specs() for container in pod["containers"]}
    [image] = images  # the Rasa servers, the action servers and the purge run one build
    readme = (ROOT / "deploy" / "README.md").read_text()
    assert image in readme and "imagePullPolicy: IfNotPresent" in readme
    assert f"docker tag finbot:local {image}" in (ROOT / "deploy" / "Dockerfile").read_text()


def test_the_processes_write_only_where_an_empty_dir_is_mounted() -> None:
    configmap = next(d for _, d in documents() if d["kind"] == "ConfigMap")
    assert configmap["data"]["FINBOT_VAR_DIR"] in WRITABLE
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "ENV HOME=/var/lib/finbot" in dockerfile and "USER 10001:10001" in dockerfile
    for name, pod in pod_specs():
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        for container in pod["containers"]:
            mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            assert WRITABLE <= set(mounts), name
            assert all("emptyDir" in volumes[mounts[path]] for path in WRITABLE), name
