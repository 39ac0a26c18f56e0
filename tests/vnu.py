"""The Nu HTML Checker (vnu.jar, the W3C validator's engine), fetched once.

Its npm package, `vnu-jar`, is installed with npm into the user's cache
folder (outside the repository), once per version; later runs find it there.
It needs Java 8 or newer (Debian: `apt-get install default-jre-headless`).
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

VNU_VERSION = "26.9.27"


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "techvote" / f"vnu-jar-{VNU_VERSION}"


def missing_tools() -> str | None:
    """Why the checker cannot run here, or None."""
    if shutil.which("java") is None:
        return "the Nu HTML Checker needs Java: apt-get install default-jre-headless"
    if not (cache_folder() / "vnu.jar").exists() and shutil.which("npm") is None:
        return "installing the Nu HTML Checker needs npm: apt-get install npm"
    return None


def vnu_jar() -> Path:
    """vnu.jar of VNU_VERSION, installed from npm into the cache on first use."""
    folder = cache_folder()
    jar = folder / "vnu.jar"
    if jar.exists():
        return jar
    # Each process stages its own copy, so two test runs at once (CI runs the
    # SQLite and PostgreSQL suites side by side) never share a half-built folder.
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=folder.name + ".partial-", dir=folder.parent))
    try:
        npm = ["npm", "install", "--prefix", str(staging), "--no-audit", "--no-fund", "--silent"]
        subprocess.run([*npm, f"vnu-jar@{VNU_VERSION}"], check=True, timeout=600)
        (staging / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar").rename(
            staging / "vnu.jar"
        )
        shutil.rmtree(staging / "node_modules")
        # A whole folder appears at once, and the first run to finish wins: a
        # run stopped half-way leaves only its own staging folder behind.
        if not jar.exists():
            shutil.rmtree(folder, ignore_errors=True)
            try:
                staging.rename(folder)
            except OSError:
                if not jar.exists():  # Not a run that finished first: a real failure.
                    raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return jar


def check_html(files: list[Path]) -> list[dict]:
    """Every error the checker finds in the files, one JVM for all of them."""
    checker = ["java", "-Xss4m", "-jar", str(vnu_jar()), "--errors-only", "--format", "json"]
    result = subprocess.run(
        [*checker, "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(result.stdout or "{}")
    return [message for message in report.get("messages", []) if message["type"] != "info"]
