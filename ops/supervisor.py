"""Keeps both servers up for `make run`: a server that exits, or fails its health check
`failures_allowed` times in a row (hung), is restarted on its own, the other left running, with
a back-off that doubles while restarts keep failing."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from typing import Callable, Dict

from ops.servers import Servers, StartError, healthy


@dataclass
class Supervisor:
    servers: Servers
    failures_allowed: int = 3
    backoff_s: Dict[str, float] = field(default_factory=dict)
    failures: Dict[str, int] = field(default_factory=dict)
    not_before: Dict[str, float] = field(default_factory=dict)
    restarts: int = 0
    first_backoff_s: float = 1.0
    max_backoff_s: float = 60.0

    def _watched(self) -> Dict[str, tuple]:
        s = self.servers
        return {
            "action server": (s.action_server, f"{s.action_url}/health", s.start_action_server),
            "Rasa server": (s.rasa_server, f"{s.rasa_url}/webhooks/rest/", s.start_rasa_server),
        }

    def check(self) -> None:
        """One round: restart what has exited or stopped answering."""
        for name, (process, health_url, start) in self._watched().items():
            if process is None:
                continue
            if process.poll() is None and healthy(health_url):
                self.failures[name] = 0
                self.backoff_s.pop(name, None)
                continue
            self.failures[name] = self.failures.get(name, 0) + 1
            exited = process.poll() is not None
            if exited or self.failures[name] >= self.failures_allowed:
                self._restart(name, process, start, "exited" if exited else "hung")

    def _restart(
        self, name: str, process: subprocess.Popen, start: Callable[[], None], why: str
    ) -> None:
        if time.monotonic() < self.not_before.get(name, 0):
            return
        print(f"The {name} {why}; restarting it.", flush=True)
        if process in self.servers.processes:
            self.servers.stop_process(process)  # a hung one is killed after 15 s
        try:
            start()
        except StartError as error:
            delay = min(self.backoff_s.get(name, self.first_backoff_s / 2) * 2, self.max_backoff_s)
            self.backoff_s[name] = delay
            self.not_before[name] = time.monotonic() + delay
            print(f"The {name} did not come back ({error}); trying again in {delay:g} s.")
            return
        self.failures[name] = 0
        self.restarts += 1
