"""What the ``finbot`` commands share: the located project, paths as shown, the engine process's patches."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, Optional

import click

from bot.settings import Project, ProjectError


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


def prepare_engine_process() -> None:
    """The patches of a process that runs the privacy engine itself (``bot.patches.install_engine``): its
    libraries off the network, its log records redacted. First thing in such a command."""
    from bot.patches import PatchError, install_engine

    try:
        install_engine()
    except PatchError as error:
        raise click.ClickException(str(error)) from None
