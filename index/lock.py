"""One writer at a time per data folder, across threads and processes (filelock + a thread lock).

Every write (an ingest batch, a delete, a repair, a reindex step) runs inside `FolderLock.run`,
which holds a `threading.Lock` and then `filelock.FileLock(DATA_DIR/.write.lock)` around one call.
The holder's pid, command and start time are written beside the lock, so a process that has to
wait can say who it is waiting for. Readers never take it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

WRITE_LOCK = ".write.lock"
REINDEX_LOCK = ".reindex.lock"
_SECRET_OPTION = re.compile(r"^--(auth|llm-api-key|api-key|password)(=.*)?$")
_USERINFO = re.compile(r"(://)[^/@\s]+@")


@dataclass(frozen=True)
class Holder:
    """The process that holds a lock: its pid, command line and when it took the lock."""

    pid: int
    command: str
    since: str

    def describe(self) -> str:
        """E.g. "pid 4242 (qa ingest news/), since 14:03:07"."""
        return f"pid {self.pid} ({self.command}), since {self.since}"


class IndexBusyError(RuntimeError):
    """Another writer kept the data folder's lock longer than the caller was willing to wait."""

    def __init__(self, data_dir: Path, holder: Holder | None, waited: float) -> None:
        self.data_dir = Path(data_dir)
        self.holder = holder
        self.waited = waited
        if holder is None:
            who = "another writer"
        elif holder.pid == os.getpid():
            who = f"another request of this process (since {holder.since})"
        else:
            who = holder.describe()
        super().__init__(
            f"the index in {self.data_dir} is busy: {who} is writing to it; waited "
            f"{waited:.0f} s — try again when it has finished"
        )

    def public_message(self) -> str:
        """For a visitor: which program holds the index, without paths or arguments."""
        if self.holder and self.holder.pid == os.getpid():
            who = "another addition"
        else:
            who = "another process"
            if self.holder:
                who += f" ({' '.join(self.holder.command.split()[:2])}, pid {self.holder.pid})"
        return f"The library is busy: {who} is writing to the index. Try again in a moment."


class _Held:
    """A lock already acquired, released when the `with` block ends."""

    def __init__(self, release: Callable[[], None]) -> None:
        self._release = release

    def __enter__(self) -> _Held:
        return self

    def __exit__(self, *_: object) -> None:
        self._release()


class FolderLock:
    """A named lock file in a data folder, taken by one thread of one process at a time."""

    def __init__(
        self,
        data_dir: Path,
        name: str = WRITE_LOCK,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / name
        self.holder_path = self.data_dir / f"{name}.holder"
        self.on_wait = on_wait or _print_to_stderr
        self._thread_lock = threading.Lock()
        self._file_lock = None

    def run(self, fn: Callable[[], T], timeout: float | None = None) -> T:
        """Call `fn` holding the lock; wait at most `timeout` seconds (None: as long as it takes).

        Both locks are taken and released in this one `with`, so no caller can keep them across
        a `yield`. Raises IndexBusyError when the timeout passes.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._hold_thread_lock(deadline), self._hold_file_lock(deadline):
            self._write_holder()
            try:
                return fn()
            finally:
                self._clear_holder()

    def holder(self) -> Holder | None:
        """Who holds the lock now, as written beside it (None when unknown)."""
        try:
            data = json.loads(self.holder_path.read_text(encoding="utf-8"))
            return Holder(int(data["pid"]), str(data["command"]), str(data["since"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def held_elsewhere(self) -> Holder | None:
        """The holder if another process or thread holds the lock right now, else None.

        Never creates the data folder or the lock file.
        """
        if not self.path.exists():
            return None
        if not self._thread_lock.acquire(blocking=False):
            return self.holder() or Holder(os.getpid(), "this process", "now")
        try:
            import filelock

            try:
                with self._lock_file().acquire(timeout=0):
                    return None
            except filelock.Timeout:
                return self.holder() or Holder(0, "unknown process", "unknown")
        finally:
            self._thread_lock.release()

    def _hold_thread_lock(self, deadline: float | None) -> _Held:
        if not self._thread_lock.acquire(blocking=False):
            started = time.monotonic()
            self.on_wait(self._waiting_line(self.holder()))
            if not self._thread_lock.acquire(timeout=_remaining(deadline)):
                raise IndexBusyError(self.data_dir, self.holder(), time.monotonic() - started)
        return _Held(self._thread_lock.release)

    def _hold_file_lock(self, deadline: float | None) -> object:
        import filelock

        lock = self._lock_file()
        started = time.monotonic()
        try:
            try:
                return lock.acquire(timeout=0)
            except filelock.Timeout:
                self.on_wait(self._waiting_line(self.holder()))
                return lock.acquire(timeout=_remaining(deadline))
        except filelock.Timeout as exc:  # the `with` releases the thread lock taken before
            waited = time.monotonic() - started
            raise IndexBusyError(self.data_dir, self.holder(), waited) from exc

    def _lock_file(self):  # noqa: ANN202 (filelock is imported lazily)
        if self._file_lock is None:
            import filelock

            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._file_lock = filelock.FileLock(self.path)
        return self._file_lock

    def _waiting_line(self, holder: Holder | None) -> str:
        who = holder.describe() if holder else "another process"
        return f"waiting for {who} to finish writing to {self.data_dir} ..."

    def _write_holder(self) -> None:
        info = {
            "pid": os.getpid(),
            "command": _command_line(),
            "since": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        partial = self.holder_path.with_name(f"{self.holder_path.name}.{os.getpid()}")
        try:
            partial.write_text(json.dumps(info), encoding="utf-8")
            os.replace(partial, self.holder_path)
        except OSError:
            pass  # who holds the lock is a courtesy; the lock itself is what protects the data

    def _clear_holder(self) -> None:
        try:
            self.holder_path.unlink()
        except OSError:
            pass


def _remaining(deadline: float | None) -> float:
    """Seconds left before `deadline` (-1: wait forever), as filelock and Lock.acquire take it."""
    if deadline is None:
        return -1
    return max(0.0, deadline - time.monotonic())


def _command_line() -> str:
    """This process's command, short and without secrets (`qa ingest news/`)."""
    argv = list(sys.argv)
    if argv and (argv[0].endswith(os.path.join("qa", "__main__.py")) or Path(argv[0]).name == "qa"):
        argv[0] = "qa"
    elif argv and argv[0] == "-c":
        argv[0] = "python -c"
    elif argv:
        argv[0] = Path(argv[0]).name or "python"
    words: list[str] = []
    hide_next = False
    for word in argv:
        if hide_next:
            words.append("***")
            hide_next = False
            continue
        match = _SECRET_OPTION.match(word)
        if match:
            words.append(f"--{match.group(1)}" + ("=***" if match.group(2) else ""))
            hide_next = not match.group(2)
            continue
        words.append(_USERINFO.sub(r"\1***@", word))
    line = " ".join(words) or "python"
    return line if len(line) <= 160 else line[:157] + "..."


def _print_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
