"""The ``finbot`` command: set up, run and inspect the assistant."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path
from typing import Optional, Tuple

import click

from bot.cli_keys import keys
from bot.cli_support import Options, pass_project, prepare_engine_process, shown
from bot.settings import Project, process_env


def versions() -> str:
    """finbot's version and those of what it runs on (installed package metadata: nothing is imported)."""
    from importlib.metadata import PackageNotFoundError, version

    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    parts = ", ".join(f"{name} {of(name)}" for name in ("rasa", "rasa-sdk", "presidio-analyzer", "spacy"))
    return f"finbot {of('finbot')} ({parts}; Python {platform.python_version()})"


def show_version(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(versions())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=show_version,
              help="Show finbot's version and those of Rasa, Presidio and spaCy, and exit.")
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


main.add_command(keys)


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
@click.option(
    "--demo/--no-demo", default=True, show_default=True,
    help="Sign the widget's demo page in as a demo customer (only on a loopback address).",
)
@click.option(
    "--cors", "cors", multiple=True, metavar="ORIGIN",
    help="Let pages of ORIGIN (e.g. https://bank.example; '*' for any) call the REST channel and connect "
         "to socket.io, as `rasa run --cors` does. Off by default. May be given more than once.",
)
@pass_project
def run(project: Project, host: str, port: int, actions_port: int, debug: bool, enable_api: bool,
        demo: bool, cors: Tuple[str, ...]) -> None:
    """Train if needed, then start the action server and the Rasa server until Ctrl-C."""
    import os

    from bot.demo import DEMO_SUBJECT, DEMO_TTL_SECONDS, DemoError, is_loopback, mint_local_token, write_demo_token
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
    demo_file: Optional[Path] = None
    if demo and is_loopback(host):
        try:
            demo_file = write_demo_token(project, mint_local_token(project, DEMO_SUBJECT))
        except DemoError as error:
            click.echo(f"no demo customer: {error}")
    servers = Servers(
        project, model, host=host, port=port, actions_port=actions_port, debug=debug, api_token=api_token,
        demo_token_file=demo_file, cors=cors,
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
            + (f"The widget's demo page is signed in as the demo customer \"{DEMO_SUBJECT}\" (its token, valid for "
               f"{DEMO_TTL_SECONDS // 3600} hours, is in {demo_file}); the REST channel is anonymous: it answers "
               "advice and questions, and asks to sign in for banking.\n" if demo_file else
               "Banking needs a signed-in customer: use the app channel with a token (finbot token USER).\n")
            + "Press Ctrl-C to stop.",
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
@click.option("--token", default=None, metavar="JWT",
              help="With --connect: talk through the app channel as this token's customer (else anonymously).")
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="Without --connect: sign in as the demo customer, so that banking answers.")
@pass_project
def shell(project: Project, port: int, actions_port: int, connect: Optional[str], token: Optional[str],
          demo: bool) -> None:
    """Talk to the assistant in the terminal, through the redacting channels.

    Starts both servers (their output goes to var/logs/) unless --connect names
    a running one, and signs in as the demo customer (the app channel, with a
    short-lived token); --no-demo talks anonymously through the REST channel.
    Use this rather than `rasa shell`, whose built-in channel cannot redact
    messages before Rasa sees them.
    """
    import asyncio

    from bot.demo import DEMO_SUBJECT, DemoError, mint_local_token
    from bot.server import ServerError, Servers, stop_on_sigterm
    from bot.shell import converse
    from bot.training import train as train_model

    if connect:
        asyncio.run(converse(connect.rstrip("/"), token=token))
        return
    stop_on_sigterm()
    model = train_model(project)
    servers = Servers(project, model, port=port, actions_port=actions_port, quiet=True)
    try:
        demo_token = mint_local_token(project, DEMO_SUBJECT) if demo else None
    except DemoError as error:
        click.echo(f"no demo customer: {error}")
        demo_token = None
    try:
        click.echo("starting the assistant ...")
        servers.start()
        asyncio.run(converse(servers.rasa_url, token=demo_token, signed_in_as=DEMO_SUBJECT))
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

    prepare_engine_process()
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
    prepare_engine_process()
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
    from bot.channels.auth import MAX_SUBJECT_CHARS
    from bot.demo import DemoError, mint_local_token

    if not subject.strip() or len(subject) > MAX_SUBJECT_CHARS or not subject.isprintable():
        raise click.ClickException(f"SUBJECT must be printable and at most {MAX_SUBJECT_CHARS} characters")
    try:
        click.echo(mint_local_token(project, subject, scopes=scopes, ttl_seconds=ttl))
    except DemoError as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.option("--endpoints", "endpoints_file", default=None, type=click.Path(exists=True, dir_okay=False),
              help="The endpoints file naming the tracker store and broker (default: the project's).")
@pass_project
def purge(project: Project, endpoints_file: Optional[str]) -> None:
    """Delete what the privacy policy's retention says is past its time, now.

    Vault values past their time to live, reveal records and conversations'
    events past their retention (the policy's ``retention:``). The servers do
    this on a schedule; this runs it once (the CronJob in deploy/k8s/ does).
    """
    from bot.retention import purge_configured

    prepare_engine_process()
    report = purge_configured(endpoints_file or project.endpoints, project.var)
    click.echo(f"deleted {report}")


@main.command("eval-redaction")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--no-stock", is_flag=True, help="Skip stock Presidio (faster).")
@click.option("--limit", type=int, default=None, help="Score only the first N records.")
def eval_redaction(file: Path, no_stock: bool, limit: Optional[int]) -> None:
    """Score the engine, and stock Presidio in the same run, on a labelled FILE (pii-dev format)."""
    from bot.privacy.evaluation import run_evaluation

    prepare_engine_process()
    status = run_evaluation(file, sys.stdout, include_stock=not no_stock, limit=limit)
    if status:
        raise SystemExit(status)


if __name__ == "__main__":
    main()
