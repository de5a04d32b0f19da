"""Files that hold patient data (exports, uploads waiting for the worker, backups): readable
and writable by the account Liaison runs under only."""

import os
from pathlib import Path
from typing import IO


def private_folder(path: Path) -> Path:
    """Create `path` (and its parents) if needed, then make it the owner's alone (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def private_open(path: Path, mode: str = "w", *, exclusive: bool = False, **kwargs) -> IO:
    """`open(path, mode)` for writing, the file created (or truncated) with mode 0600, whatever
    the process's umask; with `exclusive`, FileExistsError when it exists already."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
    return os.fdopen(descriptor, mode, **kwargs)
