"""The listener's deployment files (``installer/listener``) agree with the program and with
each other: every option they pass exists, the listener stays on loopback behind the
proxy it trusts, the proxy forwards to that port and refuses ``/healthz``, and no
password sits in a unit or a script."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

from tuffops_desktop.cli import build_parser

FOLDER = Path(__file__).resolve().parents[2] / "installer" / "listener"


def _unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#", ";"))
    unit.optionxform = str  # type: ignore[assignment, method-assign]
    unit.read(FOLDER / "tuffops-intake.service", encoding="utf-8")
    return unit


def test_the_systemd_unit_runs_the_listener_as_its_own_user_on_loopback():
    service = _unit()["Service"]
    assert service["User"] == "tuffops-intake" and service["User"] != "root"
    assert service["EnvironmentFile"] == "/etc/tuffops/intake.env"
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    argv = shlex.split(service["ExecStart"])
    args = build_parser().parse_args(argv[1:])
    assert (args.command, args.intake_command) == ("intake", "serve")
    assert args.host == "127.0.0.1" and args.trusted_proxy == "127.0.0.1"
    assert args.database_url is None, "the address (with its password) comes from the environment file"
    assert args.data_dir.startswith("/var/lib/tuffops-intake")
    headers = {h.strip() for h in args.trusted_proxy_headers.split(",")}
    assert headers == {"x-forwarded-for", "x-forwarded-proto"}


def test_the_proxies_forward_to_the_listeners_port_and_refuse_the_health_check():
    port = build_parser().parse_args(shlex.split(_unit()["Service"]["ExecStart"])[1:]).port
    caddy = (FOLDER / "Caddyfile").read_text(encoding="utf-8")
    assert f"reverse_proxy 127.0.0.1:{port}" in caddy
    assert re.search(r"@health path /healthz /healthz/\*\s+respond @health 404", caddy)
    nginx = (FOLDER / "nginx-tuffops-intake.conf").read_text(encoding="utf-8")
    assert f"proxy_pass http://127.0.0.1:{port};" in nginx
    assert "location = /healthz { return 404; }" in nginx
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx  # replaced, never appended


def test_the_windows_scripts_pass_only_options_the_listener_has():
    serve = build_parser()._subparsers._group_actions[0].choices["intake"]
    serve_options = {
        option
        for action in serve._subparsers._group_actions[0].choices["serve"]._actions
        for option in action.option_strings
    }
    runner = (FOLDER / "run-intake.ps1").read_text(encoding="utf-8")
    passed = set(re.findall(r"'(--[a-z-]+)'", runner))
    assert passed and passed <= serve_options, passed - serve_options
    assert "'intake', 'serve'" in runner and "TUFFOPS_DATABASE_URL" in runner
    install = (FOLDER / "install-intake-task.ps1").read_text(encoding="utf-8")
    assert "New-ScheduledTaskTrigger -AtStartup" in install and "LOCAL SERVICE" in install
    assert "[string]$ListenHost = '127.0.0.1'" in install and "[string]$TrustedProxy = '127.0.0.1'" in install


def test_no_password_in_the_deployment_files():
    for path in FOLDER.iterdir():
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r"postgresql://[^\s\"'`]+", text):
            user_info = url.split("//", 1)[1].split("@", 1)[0]
            assert ":" not in user_info or user_info.endswith((":CHANGE-ME", ":PASSWORD")), (path.name, url)
