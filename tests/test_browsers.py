"""metricwatch.browsers: the browser search order and the no-browser error (no browser is launched here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.no_browser import hide_browsers

from metricwatch import browsers as br
from metricwatch.browsers import NO_BROWSER, BrowserNotFoundError, find_browser


def _fake_exe(path: Path) -> Path:
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def bare_machine(tmp_path, monkeypatch):
    """A machine with no Chromium anywhere: empty PATH, no system paths, no Playwright browsers."""
    hide_browsers(tmp_path, monkeypatch)
    return tmp_path


def test_configured_path_wins_over_env_and_system(tmp_path, monkeypatch):
    configured = _fake_exe(tmp_path / "configured-chrome")
    env = _fake_exe(tmp_path / "env-chrome")
    monkeypatch.setenv(br.ENV_VAR, str(env))
    assert find_browser(str(configured)) == configured


def test_env_var_used_when_nothing_configured(tmp_path, monkeypatch):
    env = _fake_exe(tmp_path / "env-chrome")
    monkeypatch.setenv(br.ENV_VAR, str(env))
    assert find_browser(None) == env


def test_configured_path_that_does_not_exist_is_an_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.delenv(br.ENV_VAR, raising=False)
    missing = tmp_path / "no-such-chrome"
    with pytest.raises(BrowserNotFoundError) as exc:
        find_browser(str(missing))
    assert str(missing) in str(exc.value)
    assert NO_BROWSER in str(exc.value)


def test_env_var_pointing_to_a_non_executable_is_an_error(tmp_path, monkeypatch):
    plain = tmp_path / "not-executable"
    plain.write_text("x")
    monkeypatch.setenv(br.ENV_VAR, str(plain))
    with pytest.raises(BrowserNotFoundError, match=br.ENV_VAR):
        find_browser(None)


def test_system_candidates_in_order(tmp_path, monkeypatch):
    monkeypatch.delenv(br.ENV_VAR, raising=False)
    first, second = _fake_exe(tmp_path / "a"), _fake_exe(tmp_path / "b")
    assert find_browser(None, system=[str(tmp_path / "missing"), str(second), str(first)]) == second


def test_debian_chromium_is_found_here():
    if not os.access("/usr/bin/chromium", os.X_OK):
        pytest.skip("Debian's chromium is not installed on this machine")
    os.environ.pop(br.ENV_VAR, None)
    assert find_browser(None) == Path("/usr/bin/chromium")


def test_playwright_managed_browser_is_the_last_resort(bare_machine, monkeypatch):
    store = bare_machine / "pw"
    exe_dir = store / "chromium-1200" / "chrome-linux64"
    exe_dir.mkdir(parents=True)
    exe = _fake_exe(exe_dir / "chrome")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(store))
    assert find_browser(None) == exe


def test_no_browser_anywhere_gives_the_exact_message(bare_machine):
    with pytest.raises(BrowserNotFoundError) as exc:
        find_browser(None)
    assert str(exc.value) == NO_BROWSER
    assert NO_BROWSER == (
        "no Chromium/Chrome found; install with `apt-get install chromium` or set `evidence.browser`"
    )
