"""``finbot keys``: the master key ring (list, rotate, retire); keys shown by id, values never."""

from __future__ import annotations

from typing import Tuple

import click

from bot.cli_support import pass_project, shown
from bot.settings import Project


@click.group()
def keys() -> None:
    """The master key ring: list the keys, rotate to a new one, retire old ones (see README, "Keys").

    Keys are shown by id (a public fingerprint), never themselves; values never.
    """


def ring_shown(project: Project) -> str:
    """Where the project's key ring is: the variable, or the key file."""
    import os

    from bot.privacy.keys import KEY_ENV, KEY_FILE

    return f"${KEY_ENV}" if os.environ.get(KEY_ENV) else shown(project.var / KEY_FILE, project)


@keys.command("list")
@pass_project
def keys_list(project: Project) -> None:
    """Print each key's id, which one is current, and how many vault rows each seals."""
    from bot.privacy import PrivacyError
    from bot.privacy.rotation import inventory

    try:
        click.echo("\n".join(inventory(project.var).lines(ring_shown(project))))
    except PrivacyError as error:
        raise click.ClickException(str(error)) from None


@keys.command()
@click.option("--reencrypt-only", is_flag=True,
              help="Make no new key: re-encrypt the rows under older keys with the current one.")
@click.option("--batch", default=100, show_default=True, type=click.IntRange(1, 10000),
              help="Rows re-encrypted per transaction.")
@pass_project
def rotate(project: Project, reencrypt_only: bool, batch: int) -> None:
    """Make a new current key and re-encrypt the vault under it, while the servers keep running.

    The new key becomes the first line of var/keys/master.key; running servers seal new values under it
    within a second. The older keys stay (rows sealed by a server that has not noticed yet still open)
    until `finbot keys retire`. With $FINBOT_VAULT_KEY set, the ring is yours to change (see README).
    """
    from bot.privacy import PrivacyError
    from bot.privacy.keys import KEY_ENV
    from bot.privacy.rotation import rotate as rotate_keys

    where = ring_shown(project)
    if where.startswith("$") and not reencrypt_only:
        raise click.ClickException(
            f"the key ring is in ${KEY_ENV}, which this command cannot change. Generate a key (python -c "
            "'from bot.privacy.keys import generate_key; print(generate_key())'), put it first in "
            f"${KEY_ENV} (new,old: newest first, commas between keys), roll the servers, then run: "
            "finbot keys rotate --reencrypt-only")
    try:
        rotated = rotate_keys(project.var, reencrypt_only=reencrypt_only, batch_size=batch)
    except PrivacyError as error:
        raise click.ClickException(str(error)) from None
    click.echo("\n".join(rotated.lines(where)))


@keys.command()
@click.argument("key_ids", nargs=-1, metavar="[KEY_ID]...")
@pass_project
def retire(project: Project, key_ids: Tuple[str, ...]) -> None:
    """Re-encrypt leftovers, then drop from the ring every old key (or each KEY_ID) that no vault row needs.

    Refuses to drop a key that rows still need, and never drops the current one.
    """
    from bot.privacy import PrivacyError
    from bot.privacy.rotation import retire as retire_keys

    try:
        retired = retire_keys(project.var, key_ids)
    except PrivacyError as error:
        raise click.ClickException(str(error)) from None
    click.echo("\n".join(retired.lines(ring_shown(project))))
    refusal = retired.refusal()
    if refusal:
        raise click.ClickException(refusal)
