"""A Textual driver that also keeps every write, in order, for the output tests.

Set ``TEXTUAL_DRIVER=recording_driver:RecordingDriver`` (with this folder on PYTHONPATH)
and ``GLUTECOACH_RECORD_WRITES=FILE``: each write is one JSON string per line of FILE.
"""

from __future__ import annotations

import json
import os

from textual.drivers.linux_driver import LinuxDriver


class RecordingDriver(LinuxDriver):
    def write(self, data: str) -> None:
        with open(os.environ["GLUTECOACH_RECORD_WRITES"], "a", encoding="utf-8") as log:
            log.write(json.dumps(data) + "\n")
        super().write(data)
