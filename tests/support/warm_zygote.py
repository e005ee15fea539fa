"""The zygote of the warm CLI runner (support/warm_cli.py): imports the heavy modules once, then
forks one real process per request and runs `python -m metricwatch ARGS` (or `-m dvc`) in it.

Started as `python warm_zygote.py CTL_IN CTL_OUT` by warm_cli.py. It reads one JSON request a
line on CTL_IN ({argv, env, cwd, stdout, stderr, timeout}; `module` to run another module
than metricwatch, `script` to run a file) and answers one JSON line on CTL_OUT
({pid, code} or {pid, timeout: true}); EOF on CTL_IN ends it. Its first line is a hello:
{pid, env_read} where env_read lists every environment name the pre-imports read (traced: "N" a
value read, "?N" only tested with `in`, "P*" a known scan for prefix P, "*" any other scan), so the client can run a request that changes one of them as a real exec instead.

The child: its own process group, cwd, environment (os.environ replaced, unset names absent),
sys.argv and sys.path[0] as `-m` sets them, stdin /dev/null, stdout/stderr to the caller's
files, SIGINT raising KeyboardInterrupt; at the end what the interpreter does at exit (join
non-daemon threads, atexit handlers, flush), then `os._exit(code)`. Codes as Python gives them:
SystemExit's code, 1 for an uncaught exception, death by signal reported as -N (waitpid).
It forks only while single-threaded (threading.active_count() == 1); otherwise it stops loudly.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import runpy
import select
import signal
import sys
import threading
import traceback
from typing import Any, ClassVar

# what `metricwatch report|check|kpis|…` imports that costs seconds (python -X importtime)
PRELOAD = ("mlflow", "mlflow.artifacts", "mlflow.tracking", "pandas", "numpy", "pydantic",
           "yaml", "plotly.graph_objects", "dvc.repo", "dvc.api")  # fmt: skip


class _Tracing(os._Environ):  # type: ignore[name-defined,misc]
    """os.environ's own class, recording each name read (os.getenv, `in`, [key], .get)."""

    seen: ClassVar[set[str]] = set()

    def __getitem__(self, key: str) -> str:
        name = key.decode() if isinstance(key, bytes) else key
        caller = sys._getframe(1)
        if _reader(caller) not in KNOWN_SCANS:  # a scan's reads are its prefix, noted in iter
            presence = caller.f_code.co_name == "__contains__"  # `NAME in os.environ`
            _Tracing.seen.add(f"?{name}" if presence else name)
        return super().__getitem__(key)

    def __iter__(self) -> Any:
        _Tracing.seen.add(_scan_prefix(sys._getframe(1)))
        return super().__iter__()


# modules that scan the whole environment at import for names of one prefix (read there)
KNOWN_SCANS = {"tqdm.utils": "TQDM_*", "fsspec.config": "FSSPEC_*"}


def _reader(frame: Any) -> str:
    """The module that reads os.environ (past os, collections.abc and this module)."""
    while frame is not None:
        module = str(frame.f_globals.get("__name__", ""))
        if module not in ("os", "collections.abc", __name__):
            return module
        frame = frame.f_back
    return ""


def _scan_prefix(frame: Any) -> str:
    """The names a scan of os.environ reads: its module's prefix, else "*" (every name)."""
    return KNOWN_SCANS.get(_reader(frame), "*")


def preload() -> list[str]:
    """Import PRELOAD with os.environ traced; the names read (sorted; "*" means all)."""
    real = type(os.environ)
    os.environ.__class__ = _Tracing
    try:
        for name in PRELOAD:
            importlib.import_module(name)
    finally:
        os.environ.__class__ = real
    return sorted(_Tracing.seen)


def _exit_code(exc: SystemExit) -> int:
    """The exit status Python gives a SystemExit (None 0, int as is, anything else printed, 1)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def _setup_child(req: dict[str, Any], ctl: tuple[int, int]) -> None:
    os.setpgid(0, 0)
    for fd in ctl:
        os.close(fd)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    for fd, path in ((1, req["stdout"]), (2, req["stderr"])):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    sys.argv = [req.get("script") or "-m", *req["argv"]]  # runpy sets -m's argv[0]
    sys.path[0] = os.getcwd()  # -m puts the cwd first


def _child(req: dict[str, Any], ctl: tuple[int, int]) -> None:
    code = 3
    try:
        _setup_child(req, ctl)
        try:
            if req.get("script"):  # a plain script (the runner's own tests): `python SCRIPT`
                sys.path[0] = os.path.dirname(req["script"])
                runpy.run_path(req["script"], run_name="__main__")
            else:
                module = req.get("module") or "metricwatch"
                runpy.run_module(module, run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc)
        except KeyboardInterrupt:
            traceback.print_exc()
            sys.stderr.flush()
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # as CPython: die of SIGINT
            os.kill(os.getpid(), signal.SIGINT)
        except BaseException:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
            code = 1
        threading._shutdown()  # type: ignore[attr-defined]  # join non-daemon threads
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    finally:
        os._exit(code)


def _wait(pid: int, timeout: float) -> dict[str, Any]:
    fd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
    finally:
        os.close(fd)
    if not ready:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return {"pid": pid, "timeout": True}
    _, status = os.waitpid(pid, 0)
    return {"pid": pid, "code": os.waitstatus_to_exitcode(status)}


def serve(ctl_in: int, ctl_out: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is pytest's; EOF on ctl_in ends us
    reader, writer = os.fdopen(ctl_in, "r"), os.fdopen(ctl_out, "w", buffering=1)
    writer.write(json.dumps({"pid": os.getpid(), "env_read": preload()}) + "\n")
    for line in reader:
        req = json.loads(line)
        if threading.active_count() != 1:
            raise SystemExit(f"warm zygote: {threading.active_count()} threads, refusing to fork")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(req, (ctl_in, ctl_out))
        writer.write(json.dumps(_wait(pid, req["timeout"])) + "\n")


if __name__ == "__main__":
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    serve(int(sys.argv[1]), int(sys.argv[2]))
