"""nginx in front of gunicorn for a benchmark, configured as the README deploys it (without HTTPS).

Why a benchmark wants it: gunicorn's sync worker serves one connection at a time and (gunicorn 27,
the pinned version) closes each one gracefully (``gunicorn.util.close_graceful``: send FIN, then wait for
the client's). Facing thousands of simulated browsers in one Python process, a worker waits on
that generator's event loop after every response (1.15 ms a request on average, up to 0.3 s,
measured in province.py's scenario). nginx answers the browsers (keeping their connections alive,
as a phone's browser does) and closes its side of each gunicorn connection at once, which is what
the README's deployment does and what sync workers are documented to need.

nginx reaches gunicorn on a Unix socket, as the README deploys it (and gunicorn's documentation
shows): against a TCP connection on 127.0.0.1 it saved the worker ~0.17 ms of CPU a request
(GET /healthz through nginx, 1 worker: 806 → 952 and 958 → 1,149 requests a second).

Needs nginx (Debian package ``nginx-light`` or ``nginx``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from common import answering, cpu_seconds

CONFIG = """
{user}
worker_processes 1;
worker_rlimit_nofile 20000;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 10000; }}
http {{
  access_log off;
  client_body_temp_path {folder}/nginx-body;
  proxy_temp_path {folder}/nginx-proxy;
  fastcgi_temp_path {folder}/nginx-fastcgi;
  uwsgi_temp_path {folder}/nginx-uwsgi;
  scgi_temp_path {folder}/nginx-scgi;
  keepalive_requests 100000;
  # The README's deployment block, HTTPS aside:
  gzip on; gzip_vary on; gzip_min_length 1024;
  gzip_types text/css application/javascript text/javascript application/json image/svg+xml
             application/manifest+json text/csv;
  client_max_body_size 10m;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{ proxy_pass http://{upstream}; proxy_set_header Host $host;
                 proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                 proxy_set_header X-Forwarded-Proto $scheme; proxy_read_timeout 120s; }}
  }}
}}
"""


def start_nginx(folder: Path, port: int, upstream: str) -> subprocess.Popen:
    """nginx on ``port`` proxying to gunicorn at ``upstream`` (``unix:/path`` as deployed, or ``host:port``)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        sys.exit("--nginx needs nginx: apt-get install nginx-light")
    conf = folder / "nginx.conf"
    # Run by root (a container), the workers would switch to "nobody" and lose the temp folders.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(CONFIG.format(user=user, folder=folder, port=port, upstream=upstream))
    server = subprocess.Popen([binary, "-c", str(conf), "-p", str(folder), "-g", "daemon off;"])
    return answering(server, port, "nginx", folder / "nginx-error.log")


def nginx_cpu(server: subprocess.Popen) -> float:
    """CPU seconds used so far by nginx (its master and worker)."""
    pids = [server.pid] + [
        int(p) for p in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split() if p
    ]
    return sum(cpu_seconds(pid) for pid in pids)
