"""scripts/pick-python.sh: which interpreter `make run` and `make test` build .venv with.

Each test builds a PATH of stub interpreters that report a version, so the choice is checked for
machines we do not have (Debian 13 with only 3.13, Ubuntu 24.04 with 3.12, a 3.10-only box).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pick-python.sh"

pytestmark = pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX sh on PATH")


def stub(folder, name, version, venv=True):
    """An executable that answers the script's two questions as Python `version` would."""
    path = folder / name
    if version is None:  # like a pyenv shim for a version that is not selected
        body = "echo 'pyenv: version not installed' >&2\nexit 127\n"
    else:
        venv_status = 0 if venv else 1
        body = f'case "$2" in\n  *ensurepip*) exit {venv_status} ;;\n  *) echo {version} ;;\nesac\n'
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def pick(folder, python=None):
    env = {"PATH": str(folder), "HOME": str(folder)}
    if python is not None:
        env["PYTHON"] = python
    sh = shutil.which("sh")
    return subprocess.run([sh, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)


@pytest.fixture
def bin_dir(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()  # the script uses only shell built-ins: the stubs are all there is on PATH
    return folder


def test_only_python313_on_path_is_chosen(bin_dir):
    """Debian 13: no python3.11 package at all."""
    stub(bin_dir, "python3.13", "3.13")
    result = pick(bin_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bin_dir / "python3.13")
    assert "building .venv with python3.13 (Python 3.13)" in result.stderr


def test_ubuntu_2404_python312(bin_dir):
    stub(bin_dir, "python3.12", "3.12")
    stub(bin_dir, "python3", "3.12")
    result = pick(bin_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bin_dir / "python3.12")


def test_the_newest_supported_one_wins(bin_dir):
    for minor in (11, 12, 13):
        stub(bin_dir, f"python3.{minor}", f"3.{minor}")
    result = pick(bin_dir)
    assert result.stdout.strip() == str(bin_dir / "python3.13")


def test_plain_python3_is_the_last_resort(bin_dir):
    stub(bin_dir, "python3", "3.11")
    result = pick(bin_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bin_dir / "python3")


def test_a_broken_shim_is_skipped(bin_dir):
    """pyenv puts a python3.13 shim on PATH even when 3.13 is not the selected version."""
    stub(bin_dir, "python3.13", None)
    stub(bin_dir, "python3.11", "3.11")
    result = pick(bin_dir)
    assert result.stdout.strip() == str(bin_dir / "python3.11")


def test_too_old_and_too_new_are_refused_with_what_to_install(bin_dir):
    stub(bin_dir, "python3", "3.10")
    stub(bin_dir, "python3.14", "3.15")  # a name that lies about its version is judged by its version
    result = pick(bin_dir)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "python3: Python 3.10 (3.11 to 3.14 are supported)" in result.stderr
    assert "python3.14: Python 3.15" in result.stderr
    assert "apt-get install python3.13 python3.13-venv" in result.stderr


def test_a_python_without_venv_is_skipped_and_named(bin_dir):
    stub(bin_dir, "python3.13", "3.13", venv=False)
    result = pick(bin_dir)
    assert result.returncode == 1
    assert "apt-get install python3.13-venv" in result.stderr


def test_nothing_on_path(bin_dir):
    result = pick(bin_dir)
    assert result.returncode == 1
    assert "no Python from 3.11 to 3.14" in result.stderr


def test_python_variable_wins_over_path(bin_dir, tmp_path):
    stub(bin_dir, "python3.13", "3.13")
    chosen = stub(tmp_path, "my-python", "3.11")
    result = pick(bin_dir, python=str(chosen))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(chosen)


def test_an_unfit_python_variable_is_refused_not_replaced(bin_dir, tmp_path):
    """Naming an interpreter is a decision: never fall back to another one silently."""
    stub(bin_dir, "python3.13", "3.13")
    old = stub(tmp_path, "old-python", "3.10")
    result = pick(bin_dir, python=str(old))
    assert result.returncode == 1
    assert f"PYTHON={old} cannot build .venv" in result.stderr
    assert "Python 3.10" in result.stderr


def test_the_makefile_asks_the_script():
    """So a later edit cannot quietly bring back a one-version default."""
    makefile = (SCRIPT.parent.parent / "Makefile").read_text()
    assert "scripts/pick-python.sh" in makefile
    assert "python3.11" not in makefile
