"""A TCP proxy in its own process, between a client and the team server, that a test can kill.

Killing it (SIGKILL) is a lost network for real: every connection through it dies at once
and the port refuses new ones until the proxy is started again on the same port.

    with Proxy("127.0.0.1", 5432) as proxy:     # started; proxy.port is the local port
        url = f"postgresql://login@127.0.0.1:{proxy.port}/db"
        ...
        proxy.kill()                            # offline
        proxy.start()                           # back online, same port

Run by hand: ``python -m tests.team.proxy TARGET_HOST TARGET_PORT [--port N]``; it prints
``listening PORT`` once it accepts connections.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 10


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def _serve(target_host: str, target_port: int, port: int) -> None:
    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(target_host, target_port)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, server_w), _pipe(server_r, client_w))

    server = await asyncio.start_server(handle, "127.0.0.1", port, reuse_address=True)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proxy:
    """The proxy process: ``start()`` (again on the same port after ``kill()``), ``kill()``."""

    def __init__(self, target_host: str, target_port: int, port: int | None = None) -> None:
        self.target_host, self.target_port = target_host, int(target_port)
        self.port = port or free_port()
        self.process: subprocess.Popen[str] | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> int:
        """Start the proxy (on the same port as before); returns once it accepts connections."""
        assert not self.running, "the proxy is already running"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.team.proxy", self.target_host, str(self.target_port),
             "--port", str(self.port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # the child prints once it listens (or dies)
        if not line.startswith("listening "):
            self.process.wait(START_TIMEOUT_S)
            raise RuntimeError(f"the proxy did not start on port {self.port}")
        return self.port

    def kill(self) -> None:
        """SIGKILL: every connection through the proxy is cut, new ones are refused."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(START_TIMEOUT_S)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> "Proxy":
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target_host")
    parser.add_argument("target_port", type=int)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        asyncio.run(_serve(args.target_host, args.target_port, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
