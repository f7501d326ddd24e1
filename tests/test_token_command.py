"""``finbot token`` mints what the app channel accepts; ``finbot run --enable-api`` refuses to start without a token."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bot.channels.auth import AuthError, TokenVerifier
from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent


def app_settings() -> dict:
    settings: dict = yaml.safe_load((ROOT / "credentials.yml").read_text())["bot.channels.app.AppInput"]
    return settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FINBOT_JWT_SECRET", "FINBOT_VAULT_KEY", "FINBOT_RASA_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def project(tmp_path: Path, credentials: dict) -> Path:
    """A minimal project folder (enough for Project.locate) with these channel credentials."""
    (tmp_path / "config.yml").write_text("recipe: default.v1\n")
    (tmp_path / "domain").mkdir()
    (tmp_path / "credentials.yml").write_text(yaml.safe_dump(credentials))
    return tmp_path


def test_a_token_is_accepted_by_the_channels_verifier(tmp_path: Path, env: None) -> None:
    var = tmp_path / "var"
    result = CliRunner().invoke(main, ["--project-dir", str(ROOT), "--var-dir", str(var), "token", "customer-7",
                                       "--scope", "chat", "--scope", "privacy:read", "--ttl", "120"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    principal = TokenVerifier.from_settings(app_settings(), str(var)).verify(token)
    assert principal.subject == "customer-7" and principal.scopes == {"chat", "privacy:read"}
    assert 100 < principal.expires_at - time.time() <= 120
    # Another var/ (another master key) does not accept it.
    with pytest.raises(AuthError):
        TokenVerifier.from_settings(app_settings(), str(tmp_path / "other-var")).verify(token)


def test_the_default_scope_is_chat_only(tmp_path: Path, env: None) -> None:
    var = tmp_path / "var"
    result = CliRunner().invoke(main, ["--project-dir", str(ROOT), "--var-dir", str(var), "token", "c8"])
    assert TokenVerifier.from_settings(app_settings(), str(var)).verify(result.output.strip()).scopes == {"chat"}


def test_the_secret_in_the_environment_signs(tmp_path: Path, env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINBOT_JWT_SECRET", "z" * 48)
    result = CliRunner().invoke(main, ["--project-dir", str(ROOT), "--var-dir", str(tmp_path), "token", "c9"])
    assert TokenVerifier("z" * 48).verify(result.output.strip()).subject == "c9"


@pytest.mark.parametrize(
    "arguments, fragment",
    [(["token", "c1", "--scope", "admin"], "admin"), (["token", "c1", "--ttl", "0"], "ttl"),
     (["token", "bad\tsubject"], "printable")],
)
def test_bad_arguments_are_refused(arguments: list, fragment: str, tmp_path: Path, env: None) -> None:
    result = CliRunner().invoke(main, ["--project-dir", str(ROOT), "--var-dir", str(tmp_path), *arguments])
    assert result.exit_code != 0 and fragment in result.output


def test_rs256_configs_are_refused(tmp_path: Path, env: None) -> None:
    root = project(tmp_path, {"bot.channels.app.AppInput": {"jwt_algorithm": "RS256",
                                                            "jwt_public_key_file": "bank.pem"}})
    result = CliRunner().invoke(main, ["--project-dir", str(root), "token", "c1"])
    assert result.exit_code == 1
    assert "RS256" in result.output and "private key" in result.output
    assert "eyJ" not in result.output


@pytest.mark.parametrize("token", [None, "too-short"])
def test_run_with_the_api_refuses_to_start_without_a_good_token(
    token: str, tmp_path: Path, env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if token:
        monkeypatch.setenv("FINBOT_RASA_API_TOKEN", token)
    root = project(tmp_path, {})
    started = time.monotonic()
    result = CliRunner().invoke(main, ["--project-dir", str(root), "run", "--enable-api"])
    assert result.exit_code == 1 and "FINBOT_RASA_API_TOKEN" in result.output
    assert time.monotonic() - started < 10  # refused before training or starting anything
    assert not (root / "var").exists()


def test_minting_a_token_does_not_load_the_privacy_engine() -> None:
    # A bank's backend (and `finbot token`) imports the authentication alone: no Presidio, spaCy or Rasa.
    heavy = "('presidio_analyzer', 'spacy', 'rasa', 'bot.privacy.engine')"
    script = f"import sys, bot.channels.auth, finbot_client; print(sorted(m for m in {heavy} if m in sys.modules))"
    shown = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert shown.stdout.strip() == "[]"


def test_the_demo_customers_token_signs_in_on_the_app_and_socketio_channels(tmp_path: Path, env: None) -> None:
    from bot.channels.socketio import token_verifier
    from bot.demo import DEMO_SCOPES, DEMO_SUBJECT, DEMO_TTL_SECONDS, mint_local_token, write_demo_token
    from bot.settings import Project

    project = Project.locate(ROOT, tmp_path / "var")
    token = mint_local_token(project, DEMO_SUBJECT, now=time.time())
    socketio = yaml.safe_load((ROOT / "credentials.yml").read_text())["bot.channels.socketio.RedactingSocketIOInput"]
    for verifier in (TokenVerifier.from_settings(app_settings(), str(project.var)),
                     token_verifier({**socketio, "var_dir": str(project.var)})):
        principal = verifier.verify(token)
        assert principal.conversation == f"app:{DEMO_SUBJECT}" and principal.scopes == set(DEMO_SCOPES)
        assert DEMO_TTL_SECONDS - 60 < principal.expires_at - time.time() <= DEMO_TTL_SECONDS
    path = write_demo_token(project, token)
    assert path.read_text().strip() == token and path.stat().st_mode & 0o777 == 0o600
    assert write_demo_token(project, "another") == path and path.read_text().strip() == "another"


def test_the_demo_customer_is_made_only_on_a_loopback_address() -> None:
    from bot.demo import is_loopback

    assert all(is_loopback(host) for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback(host) for host in ("0.0.0.0", "::", "10.0.0.5", "bank.example", ""))
