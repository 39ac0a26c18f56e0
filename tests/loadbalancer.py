"""HAProxy from Debian's package in front of the test's own gunicorn nodes.

It runs docker/haproxy.cfg, the compose file's load balancer, with two
changes: it listens on a free port of 127.0.0.1, and its servers are the
given nodes rather than the addresses Docker's DNS gives the name "web".
"""

import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tests.servers import BASE_DIR, fetch, free_port, wait_for_port

CONFIG = BASE_DIR / "docker" / "haproxy.cfg"


def config_for(nodes: list[str], port: int) -> str:
    """docker/haproxy.cfg, listening on `port`, balancing over `nodes` (base URLs)."""
    text = CONFIG.read_text()
    servers = "\n".join(
        f"    server web{number} {urlsplit(node).netloc} check"
        for number, node in enumerate(nodes, start=1)
    )
    text, found_template = re.subn(r"^\s*server-template .*$", servers, text, flags=re.M)
    text, found_bind = re.subn(r"^(\s*)bind :8000$", rf"\1bind 127.0.0.1:{port}", text, flags=re.M)
    text, found_resolvers = re.subn(r"^resolvers docker\n(?:[ \t]+.*\n)+", "", text, flags=re.M)
    assert (found_template, found_bind, found_resolvers) == (1, 1, 1), "haproxy.cfg changed shape"
    return text


@contextmanager
def haproxy(nodes: list[str]):
    """HAProxy balancing over `nodes`; yields its base URL once every node is up in it."""
    for node in nodes:
        # A node's first request waits for its worker to load Django: let that
        # be over before the first health check, or the node starts as down.
        status, _, body = fetch(node + "/healthz")
        assert status == 200, body
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="techvote-haproxy-"))
    config = folder / "haproxy.cfg"
    config.write_text(config_for(nodes, port))
    check = subprocess.run(["haproxy", "-c", "-q", "-f", config], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    log = (folder / "haproxy.log").open("w")
    process = subprocess.Popen(["haproxy", "-db", "-f", config], stdout=log, stderr=log)
    try:
        wait_for_port(port)
        site = f"http://127.0.0.1:{port}"
        _wait_until_every_node_answers(site, len(nodes))
        yield site
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_every_node_answers(site: str, count: int, timeout: float = 60) -> None:
    """A node's first health check may come before its first request is served: wait."""
    answered = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, headers, _ = fetch(site + "/healthz")
        if status == 200:
            answered.add(headers["X-Served-By"])
            if len(answered) == count:
                return
        else:
            time.sleep(0.2)
    raise TimeoutError(f"only {sorted(answered)} of {count} nodes answered through HAProxy")
