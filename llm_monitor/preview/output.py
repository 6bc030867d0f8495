"""The preview directory, written all at once: a failed run never leaves a mix of old and new files.

Everything is written into a temporary folder next to ``--out`` (same file system), searched for
secret stand-ins, then swapped in: the previous preview is renamed aside, the new one renamed into
place, the previous one removed. A run that fails before the swap removes its temporary folder and
leaves the previous preview (or nothing) as it was.

``--out`` must be new, empty, or an earlier preview: a directory holding anything else is refused
rather than replaced (``--out .`` must not delete a project).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

from llm_monitor.preview.secrets import Secrets

#: What a preview directory holds; anything else in ``--out`` means it is not one.
PREVIEW_ENTRIES = frozenset({"summary.md", "resources.json", "outputs.json", "cost.json", "diff.json", "dashboards"})


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class OutputError(Exception):
    """``--out`` cannot take a preview (reported in one line, exit code 2)."""


class PreviewDir:
    """``with PreviewDir(out, secrets) as d: d.write_json("resources.json", ...); d.publish()``"""

    def __init__(self, out: Path, secrets: Secrets) -> None:
        self.out = out.resolve()
        self.secrets = secrets
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"--out {out}: exists and is not a directory")
        if self.out.is_dir():
            foreign = sorted(p.name for p in self.out.iterdir() if p.name not in PREVIEW_ENTRIES)
            if foreign:
                raise OutputError(
                    f"--out {out}: holds {', '.join(foreign[:5])}{', …' if len(foreign) > 5 else ''}, which a "
                    "preview did not write; choose a new or empty directory (the preview replaces it whole)"
                )
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", suffix=".tmp", dir=self.out.parent))
        self.tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a preview is as readable as mkdir's

    def __enter__(self) -> PreviewDir:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)  # after publish() there is nothing left to remove

    def path(self, relative: str) -> Path:
        target = self.tmp / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_text(self, relative: str, text: str) -> None:
        self.path(relative).write_text(self.secrets.scrub(text), encoding="utf-8")

    def write_json(self, relative: str, data: Any) -> None:
        self.write_text(relative, json.dumps(data, indent=2, sort_keys=True) + "\n")

    def write_bytes(self, relative: str, data: bytes) -> None:
        self.path(relative).write_bytes(data)

    def publish(self) -> None:
        """Check for secret stand-ins, then swap the new preview in for the old one."""
        leaks = self.secrets.leaks(self.tmp)
        if leaks:
            raise OutputError("refusing to write a preview that would reveal secrets: " + "; ".join(leaks))
        old = self.out.with_name(f".{self.out.name}.{uuid.uuid4().hex[:8]}.old")
        if self.out.exists():
            self.out.rename(old)
        try:
            self.tmp.rename(self.out)
        except OSError:
            if old.exists():
                old.rename(self.out)  # put the previous preview back
            raise
        shutil.rmtree(old, ignore_errors=True)
