"""The PostgreSQL part of scripts/benchmark.py: a throw-away durable cluster (scripts/pg-cluster.sh
with PG_CLUSTER_DURABLE=1), `ordrecon run` on a copy of the same
files with `[store] url` pointing at a fresh database in it, and the takeover time of a standby
`watch` after the leader is killed with SIGKILL.

The cluster is set up as a database server is, not as PostgreSQL's defaults (sized for a
small shared machine) leave it: `shared_buffers` 1 GB (PostgreSQL's guide suggests a quarter of
the memory of a dedicated server; this machine has 24 GiB) and `max_wal_size` 4 GB. With the
defaults (128 MB, 1 GB), in a 1M run of an earlier build, the 520 MB database did not fit in
PostgreSQL's buffers: backends wrote 330,000 evicted pages themselves, and 13 checkpoints were
forced by WAL volume, each followed by full-page images. Durability is unchanged: fsync,
full-page writes and synchronous commit stay on.

The server is another process: its CPU is not in ordrecon's rusage, so the PostgreSQL row's
user/sys columns are ordrecon's own; its wall time (and so events/s) includes waiting for the
server, which is what the ratio to SQLite compares.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER_OPTIONS = "-c shared_buffers=1GB -c max_wal_size=4GB"


class Cluster:
    """A PostgreSQL cluster on 127.0.0.1 that lives as long as this Python process."""

    def __init__(self, workdir=None):
        self.directory = tempfile.mkdtemp(prefix="ordrecon-bench-pg-", dir=workdir)
        os.rmdir(self.directory)  # pg-cluster.sh makes it
        started = subprocess.run([os.path.join(ROOT, "scripts", "pg-cluster.sh"), self.directory, str(os.getpid())],
                                 capture_output=True, text=True,
                                 env=dict(os.environ, PG_CLUSTER_DURABLE="1", PG_CLUSTER_OPTIONS=SERVER_OPTIONS))
        if started.returncode != 0:
            raise SystemExit(f"benchmark: no PostgreSQL cluster: {started.stderr.strip()}")
        self.port = int(started.stdout.strip())
        self.count = 0

    def psql(self, database, sql):
        done = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "ordrecon", "-d", database,
                               "-X", "-A", "-t", "-q", "-c", sql], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"benchmark: psql failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def new_database(self):
        self.count += 1
        name = f"bench_{self.count}"
        self.psql("postgres", f"CREATE DATABASE {name}")
        return name, f"postgresql://ordrecon@127.0.0.1:{self.port}/{name}"


def available():
    return shutil.which("psql") is not None and any(
        os.path.exists(f"/usr/lib/postgresql/{v}/bin/initdb") for v in os.listdir("/usr/lib/postgresql")
    ) if os.path.isdir("/usr/lib/postgresql") else False


def copy_workspace(work):
    """A copy of the workspace's inbox and configuration, taken before the SQLite run consumes them."""
    copy = work + "-pg"
    os.makedirs(copy)
    for folder in ("inbox", "config"):
        shutil.copytree(os.path.join(work, folder), os.path.join(copy, folder), symlinks=True)
    return copy


def use_store(work, url):
    """Points the workspace's `[store] url` (written as `url = ""` by `ordrecon init`) at `url`."""
    config = os.path.join(work, "config", "ordrecon.toml")
    with open(config, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    try:
        start = lines.index("[store]")
        index = next(i for i in range(start, len(lines)) if lines[i].startswith("url = "))
    except (ValueError, StopIteration):
        raise SystemExit(f"benchmark: {config} has no [store] url line to point at PostgreSQL")
    lines[index] = f'url = "{url}"'
    with open(config, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))


def database_bytes(cluster, database):
    return int(cluster.psql(database, "SELECT pg_database_size(current_database())"))


def measure_takeover(binary, cluster, rounds=5):
    """Seconds from SIGKILL of the leading `watch` until the standby holds the ingest lock, per round."""
    work = tempfile.mkdtemp(prefix="ordrecon-bench-takeover-")
    database, url = cluster.new_database()
    subprocess.run([binary, "init", work], check=True, capture_output=True)
    use_store(work, url)
    env = dict(os.environ, ORDRECON_LOG_LEVEL="warning")
    query = ("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
             "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1869767779 AND l.objid = 1 AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())")

    def start():
        return subprocess.Popen([binary, "watch"], cwd=work, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def leader(timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            name = cluster.psql(database, query)
            if " pid " in name:
                return int(name.rsplit(" pid ", 1)[1])
            time.sleep(0.01)
        return None

    nodes = [start(), start()]
    times = []
    try:
        for _ in range(rounds):
            pid = leader()
            node = next((n for n in nodes if n.pid == pid), None)
            if node is None:
                raise SystemExit("benchmark: no watch node took the ingest lock")
            node.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            node.wait()
            while True:
                now_leader = leader(timeout=60)
                if now_leader is None:
                    raise SystemExit("benchmark: the standby did not take over within 60 s")
                if now_leader != pid:
                    break
            times.append(time.monotonic() - killed)
            nodes[nodes.index(node)] = start()
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            node.wait()
        shutil.rmtree(work, ignore_errors=True)
    return times
