"""``mlasim serve`` from the command line: where it listens, and the settings it refuses in one line."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from simulator.cli import app

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "un-convention-baseline.toml"


def test_the_server_listens_on_127_0_0_1_only_by_default():
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "serve", str(BASELINE), "--port", "0", "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/$", line.strip())
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
        port = int(found.group(1))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
            assert page.status == 200 and b"What if?" in page.read()
        # another loopback address reaches a server listening on every address, not this one
        with socket.socket() as other:
            assert other.connect_ex(("127.0.0.2", port)) != 0
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert "Traceback" not in errors, errors


def test_settings_that_cannot_be_used_are_one_line():
    runner = CliRunner()
    missing = runner.invoke(app, ["serve", "no-such-file.toml"])
    assert missing.exit_code == 2 and "no-such-file.toml: no such file" in missing.output
    assert "Traceback" not in missing.output and len(missing.output.strip().splitlines()) == 1
    zero = runner.invoke(app, ["serve", str(BASELINE), "--precision", "0"])
    assert zero.exit_code == 2 and "--precision: must be a half-width greater than 0" in zero.output
    port = runner.invoke(app, ["serve", str(BASELINE), "--port", "70000"])
    assert port.exit_code == 2 and "Traceback" not in port.output
