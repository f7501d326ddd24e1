"""The ``finbot`` command: set up, run and inspect the assistant."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Tuple

import click

from bot.settings import Project, ProjectError, process_env


class Options:
    """The group's options; the project is located only by the commands that need one."""

    def __init__(self, project_dir: Optional[Path], var_dir: Optional[Path]) -> None:
        self.project_dir = project_dir
        self.var_dir = var_dir

    def project(self) -> Project:
        try:
            return Project.locate(self.project_dir, self.var_dir)
        except ProjectError as error:
            raise click.ClickException(str(error)) from error


def shown(path: Path, project: Project) -> str:
    """``path`` relative to the project when it is inside it (models may live elsewhere: FINBOT_MODELS_DIR)."""
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def pass_project(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` the located Project as its first argument."""

    @click.pass_obj
    @functools.wraps(command)
    def wrapper(options: Options, *args: Any, **kwargs: Any) -> None:
        command(options.project(), *args, **kwargs)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The Rasa project folder (default: $FINBOT_PROJECT_DIR or the current folder).",
)
@click.option(
    "--var-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Where runtime state lives (default: $FINBOT_VAR_DIR or <project>/var).",
)
@click.pass_context
def main(ctx: click.Context, project_dir: Optional[Path], var_dir: Optional[Path]) -> None:
    """A privacy-preserving financial assistant."""
    ctx.obj = Options(project_dir, var_dir)


@main.command()
@click.option("--force", is_flag=True, help="Train even if a model for these inputs exists.")
@pass_project
def train(project: Project, force: bool) -> None:
    """Train the Rasa model if its inputs (config, domain, data) changed."""
    from bot.training import model_path
    from bot.training import train as train_model

    existing = model_path(project)
    if existing.exists() and not force:
        click.echo(f"model is up to date: {shown(existing, project)}")
        return
    model = train_model(project, force=force)
    click.echo(f"trained {shown(model, project)}")


@main.command()
@pass_project
def validate(project: Project) -> None:
    """Check the domain and training data for mistakes (rasa data validate)."""
    command = [
        sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
        "--config", str(project.config), "--domain", str(project.domain), "--data", str(project.data),
    ]
    result = subprocess.run(command, cwd=project.root, env=process_env())
    if result.returncode != 0:
        raise click.ClickException("the training data did not validate (see above)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface the servers listen on.")
@click.option("--port", default=5005, show_default=True, help="Port of the Rasa server.")
@click.option("--actions-port", default=5055, show_default=True, help="Port of the action server.")
@click.option("--debug", is_flag=True, help="Debug logging in both servers.")
@click.option(
    "--enable-api", is_flag=True,
    help="Start Rasa's HTTP API too, protected by the token in $FINBOT_RASA_API_TOKEN (required).",
)
@pass_project
def run(project: Project, host: str, port: int, actions_port: int, debug: bool, enable_api: bool) -> None:
    """Train if needed, then start the action server and the Rasa server until Ctrl-C."""
    import os

    from bot.rasa_launcher import API_TOKEN_ENV, ApiTokenError, check_api_token
    from bot.server import ServerError, Servers, stop_on_sigterm
    from bot.training import train as train_model

    api_token: Optional[str] = None
    if enable_api:
        try:
            api_token = check_api_token(os.environ.get(API_TOKEN_ENV))
        except ApiTokenError as error:
            raise click.ClickException(str(error)) from None
    stop_on_sigterm()
    model = train_model(project)
    servers = Servers(
        project, model, host=host, port=port, actions_port=actions_port, debug=debug, api_token=api_token,
    )
    try:
        click.echo(f"starting the assistant with {shown(model, project)} ...")
        servers.start()
        click.echo(
            "finbot is ready.\n"
            f"  REST channel:   POST {servers.rasa_url}/webhooks/rest/webhook"
            '  {"sender": "u1", "message": "hi"}\n'
            f"  web widget:     {servers.rasa_url}/widget/\n"
            f"  action server:  {servers.actions_url}\n"
            + (f"  Rasa HTTP API:  {servers.rasa_url}/  (token: ${API_TOKEN_ENV})\n" if api_token else "")
            + f"  app channel:    POST {servers.rasa_url}/webhooks/app/webhook  (Bearer token: finbot token USER)\n"
            f"  runtime state:  {project.var}\n"
            "Press Ctrl-C to stop.",
        )
        status = servers.wait()
        raise click.ClickException(f"a server stopped unexpectedly (exit status {status})")
    except ServerError as error:
        raise click.ClickException(str(error)) from error
    except KeyboardInterrupt:
        click.echo("\nstopping ...")
    finally:
        servers.stop()


@main.command()
@click.option("--port", default=5005, show_default=True, help="Port of the Rasa server.")
@click.option("--actions-port", default=5055, show_default=True, help="Port of the action server.")
@click.option("--connect", default=None, metavar="URL", help="Talk to a Rasa server already running at URL.")
@pass_project
def shell(project: Project, port: int, actions_port: int, connect: Optional[str]) -> None:
    """Talk to the assistant in the terminal, through the redacting REST channel.

    Starts both servers (their output goes to var/logs/) unless --connect names
    a running one. Use this rather than `rasa shell`, whose built-in channel
    cannot redact messages before Rasa sees them.
    """
    import asyncio

    from bot.server import ServerError, Servers, stop_on_sigterm
    from bot.shell import converse
    from bot.training import train as train_model

    if connect:
        asyncio.run(converse(connect.rstrip("/")))
        return
    stop_on_sigterm()
    model = train_model(project)
    servers = Servers(project, model, port=port, actions_port=actions_port, quiet=True)
    try:
        click.echo("starting the assistant ...")
        servers.start()
        asyncio.run(converse(servers.rasa_url))
    except ServerError as error:
        raise click.ClickException(f"{error} (see {project.logs})") from error
    except KeyboardInterrupt:
        pass
    finally:
        servers.stop()


@main.command()
@click.argument("text", nargs=-1)
@click.option("--jsonl", is_flag=True, help='Read JSON lines with "text"; write "redacted" and "entities".')
@click.option("--policy", type=click.Path(dir_okay=False, exists=True), default=None, help="A privacy policy file.")
def redact(text: Tuple[str, ...], jsonl: bool, policy: Optional[str]) -> None:
    """Redact TEXT (or standard input, line by line) and print the result.

    With --jsonl, each input line is its own conversation and each output line
    holds "redacted" (the text with placeholders) and "entities" (type, start,
    end, score; character offsets into the input, end exclusive).
    """
    from bot.privacy import Policy, PrivacyError, Redactor
    from bot.privacy.jsonl import redact_jsonl

    try:
        redactor = Redactor(policy=Policy.load(policy))
    except PrivacyError as error:
        raise click.ClickException(str(error)) from error
    if jsonl:
        failures = redact_jsonl(redactor, sys.stdin.buffer, sys.stdout)
        if failures:
            raise click.ClickException(f"{failures} line(s) could not be redacted (see their \"error\")")
        return
    lines = [" ".join(text)] if text else (raw.decode("utf-8", "replace").rstrip("\r\n") for raw in sys.stdin.buffer)
    for line in lines:
        try:
            click.echo(redactor.redact(line, conversation="cli", carry=True).text)
        except PrivacyError as error:
            raise click.ClickException(f"refused: {error}") from error


@main.command()
@click.option("--jsonl", is_flag=True, required=True, help='Read JSON lines with "text" (the only format).')
@click.option("--policy", type=click.Path(dir_okay=False, exists=True), default=None, help="A privacy policy file.")
@pass_project
def parse(project: Project, jsonl: bool, policy: Optional[str]) -> None:
    """Redact and classify JSON lines from standard input, as a live message would be.

    Writes one JSON line per input, in order: "redacted" (the text the model
    saw), "intent" (its name), "confidence" and "entities". Trains the model
    first if its inputs changed. Nothing is stored.
    """
    import os

    from bot.parse import parse_jsonl
    from bot.privacy import Policy, PrivacyError, Redactor
    from bot.settings import OFFLINE_ENV
    from bot.training import train as train_model

    os.environ.update(OFFLINE_ENV)
    try:
        redactor = Redactor(policy=Policy.load(policy))
    except PrivacyError as error:
        raise click.ClickException(str(error)) from error
    model = train_model(project)
    failures = parse_jsonl(model, redactor, sys.stdin.buffer, sys.stdout)
    if failures:
        raise click.ClickException(f"{failures} line(s) could not be parsed (see their \"error\")")


@main.command()
@click.argument("subject")
@click.option(
    "--scope", "scopes", multiple=True, default=("chat",), show_default=True,
    type=click.Choice(["chat", "privacy:read", "privacy:erase"]),
    help="A scope to grant (repeat for several).",
)
@click.option("--ttl", default=3600, show_default=True, type=click.IntRange(1, 86400), help="Lifetime in seconds.")
@pass_project
def token(project: Project, subject: str, scopes: Tuple[str, ...], ttl: int) -> None:
    """Print a bearer token for the app channel, for SUBJECT's conversation (local testing).

    Signed with the channel's HS256 secret: $FINBOT_JWT_SECRET (or the variable
    credentials.yml names), else the one derived from the master key in var/.
    A bank's backend mints its customers' tokens itself; with RS256 the private
    key is the bank's, so this command refuses.
    """
    import yaml

    from bot.channels.auth import DEFAULT_AUDIENCE, DEFAULT_SECRET_ENV, MAX_SUBJECT_CHARS, local_secret, mint

    try:
        credentials = yaml.safe_load(project.credentials.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise click.ClickException(f"cannot read {project.credentials}: {error}") from None
    settings = credentials.get("bot.channels.app.AppInput") or {}
    algorithm = str(settings.get("jwt_algorithm") or "HS256")
    if algorithm != "HS256":
        raise click.ClickException(
            f"the app channel is configured for {algorithm}: its tokens are signed with the bank's private key, "
            "which never comes here. Mint them where that key lives (finbot token only signs HS256)."
        )
    if not subject.strip() or len(subject) > MAX_SUBJECT_CHARS or not subject.isprintable():
        raise click.ClickException(f"SUBJECT must be printable and at most {MAX_SUBJECT_CHARS} characters")
    secret = local_secret(str(project.var), str(settings.get("jwt_secret_env") or DEFAULT_SECRET_ENV))
    audience = settings.get("jwt_audience", DEFAULT_AUDIENCE)
    click.echo(mint(subject, secret, scopes=scopes, ttl_seconds=ttl, audience=str(audience) if audience else None))


@main.command("eval-redaction")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--no-stock", is_flag=True, help="Skip stock Presidio (faster).")
@click.option("--limit", type=int, default=None, help="Score only the first N records.")
def eval_redaction(file: Path, no_stock: bool, limit: Optional[int]) -> None:
    """Score the engine, and stock Presidio in the same run, on a labelled FILE (pii-dev format)."""
    from bot.privacy.evaluation import run_evaluation

    status = run_evaluation(file, sys.stdout, include_stock=not no_stock, limit=limit)
    if status:
        raise SystemExit(status)


if __name__ == "__main__":
    main()
