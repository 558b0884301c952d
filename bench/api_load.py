"""API read throughput and latency under concurrent load, against a bare Django view in the same run.

    python bench/api_load.py [--database-url URL] [--scale small|national] [--clients 32] [--seconds 15]

Builds the synthetic country into the database if it is empty (edureg demo --no-serve), starts gunicorn
(edureg.wsgi) on 127.0.0.1 with the bare baseline views mounted (EDUREG_BENCH_VIEWS=1), and drives each URL
with wrk (Debian package `wrk`) from this machine: requests per second and the latency percentiles. Prints a
Markdown table for docs/performance.md. Only loopback addresses are used; every run is bounded in time.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, env, **kw):
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, env=env, check=True, **kw)


def django_shell(code: str, env) -> str:
    out = subprocess.run([sys.executable, "-m", "edureg.cli", "shell", "--no-imports", "-c", code], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def lua_script(paths: list[str], token: str | None) -> str:
    items = ",".join(json.dumps(p) for p in paths)
    header = f'wrk.headers["Authorization"] = "Token {token}"\n' if token else ""
    return (f"{header}local paths = {{{items}}}\nlocal n = #paths\nlocal i = 0\n"
            "request = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % n) + 1])\nend\n")


LATENCY_RE = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, script: str, clients: int, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", fh.name, url],
                         capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    os.unlink(fh.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {p: to_ms(v, u) for p, v, u in LATENCY_RE.findall(out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": lat.get("50"), "p99": lat.get("99"), "non2xx": int(errors.group(1)) if errors else 0}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL",
                                                                 "postgres://postgres@127.0.0.1:5432/bench_api"))
    parser.add_argument("--scale", default="small", choices=["small", "national"])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    data_dir = Path(tempfile.mkdtemp(prefix="edureg-bench-"))
    env = {**os.environ, "DATABASE_URL": args.database_url, "SECRET_KEY": secrets.token_urlsafe(48),
           "DEBUG": "0", "EDUREG_DATA_DIR": str(data_dir), "EDUREG_BENCH_VIEWS": "1", "SECURE_COOKIES": "0",
           "LOG_LEVEL": "WARNING", "CONN_MAX_AGE": "600"}
    if args.database_url.startswith("postgres"):
        name = args.database_url.rsplit("/", 1)[1]
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)
    run([sys.executable, "-m", "edureg.cli", "migrate", "-v0"], env)
    count = int(django_shell("from edureg.institutions.models import Institution;"
                             "print(Institution.objects.count())", env))
    if count == 0:
        run([sys.executable, "-m", "edureg.cli", "demo", "--no-serve", "--scale", args.scale], env)
    codes = json.loads(django_shell(
        "import json;from edureg.institutions.models import Institution;"
        "print(json.dumps(list(Institution.objects.order_by('?').values_list('code', flat=True)[:200])))", env))
    token = django_shell(
        "from django.contrib.auth import get_user_model;from rest_framework.authtoken.models import Token;"
        "u=get_user_model().objects.get(username='demo_admin');print(Token.objects.get_or_create(user=u)[0].key)", env)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "edureg.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "--threads", "2", "--log-level", "warning"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        cases = [
            ("bare Django view, institution detail", [f"/bench/bare/institutions/{c}/" for c in codes], None),
            ("API institution detail", [f"/api/v1/institutions/{c}/" for c in codes], None),
            ("bare Django view, list of 50 institutions", ["/bench/bare/institutions/"], None),
            ("API institution list (page of 50)", ["/api/v1/institutions/?page_size=50"], None),
            ("API enrolment list of a school (token)", [f"/api/v1/enrolments/?institution={c}&page_size=50"
                                                        for c in codes], token),
        ]
        rows = []
        for label, paths, tok in cases:
            wrk(base + paths[0], lua_script(paths, tok), args.clients, 3)  # warm-up
            result = wrk(base + paths[0], lua_script(paths, tok), args.clients, args.seconds)
            rows.append((label, result))
            print(label, result, flush=True)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)

    print(f"\n{args.clients} clients, {args.seconds} s per URL, gunicorn {args.workers} workers × 2 threads, "
          f"database {args.database_url.split('://')[0]}, scale {args.scale}\n")
    print("| URL | requests/s | p50 ms | p99 ms | non-2xx |\n|---|---:|---:|---:|---:|")
    for label, r in rows:
        print(f"| {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['non2xx']} |")
    bare_detail, api_detail = rows[0][1]["rps"], rows[1][1]["rps"]
    bare_list, api_list = rows[2][1]["rps"], rows[3][1]["rps"]
    print(f"\nAPI/bare throughput: detail {api_detail / bare_detail:.2f}, list {api_list / bare_list:.2f}")


if __name__ == "__main__":
    main()
