"""Which module carries each kind of target, loaded by its name when a publish needs it: the shared types of
transport never import the transports that use them (Hugo registers its deploy drivers the same way)."""

from __future__ import annotations

import importlib
from typing import Callable

from generator.publish.transport import Context, PublishError, Transport

KINDS = {                       # kind in config.yaml -> (module, class)
    "folder": ("generator.publish.folder", "FolderTransport"),
    "sftp": ("generator.publish.sftp", "SftpTransport"),
    "ftp": ("generator.publish.ftp", "FtpTransport"),
    "ftps": ("generator.publish.ftp", "FtpTransport"),
    "git": ("generator.publish.git", "GitTransport"),
}


def opener(kind: str) -> Callable[[Context], Transport]:
    """The transport class for a kind of target, its library imported now (asyncssh takes a fifth of a second: the
    publish command has it imported before the connection starts, and the site built while it is made)."""
    if kind not in KINDS:
        raise PublishError(f"Jenis tujuan '{kind}' tidak dikenal.")
    module, name = KINDS[kind]
    return getattr(importlib.import_module(module), name)


def open_transport(context: Context) -> Transport:
    return opener(context.target.type)(context)
