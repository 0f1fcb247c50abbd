"""Load run: agents browsing the console while signed webhook deliveries arrive, over loopback.

Owns the bounded load run of `make load` (docs/PERFORMANCE.md, "Load"). The orchestrator
migrates and fills the database when it is empty (`generate_data`), prepares logins for
gen-agent-001... and a signed webhook channel, starts gunicorn (socialcrm.settings_production,
DEBUG off) and a Celery worker, then runs two load processes of its own for --seconds:
- agents (`--role agents`): each logs in through the form once, then loops with a think
  time: the inbox, the My teams view, a case opened from it, now and then the next inbox
  page or a search;
- webhooks (`--role hooks`): open loop, --rate posts a second as signed deliveries of
  --posts-per-delivery posts, each with an id unique to the run.
It then waits until every accepted post is stored and reports requests, errors, p50/p95/p99
per page, webhook accept latency, posts stored against sent (and stored twice) and how long
the backlog took to drain. It measures; it asserts nothing (tests/test_load_smoke.py does).

The load processes (bench/load/clients.py) speak plain HTTP and never import Django.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.load.clients import AGENT_PASSWORD, HOOK_SECRET, run_agents, run_hooks

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/socialcrm_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
HOOK_SECRET_ENV = "LOAD_HOOK_SECRET"
CHANNEL_NAME = "Load run bridge"


@dataclass
class LoadConfig:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str = DEFAULT_REDIS_URL
    posts: int = 100_000  # generated when the database has no posts yet
    agents: int = 50
    rate: float = 200.0  # posts a second
    posts_per_delivery: int = 1
    seconds: float = 60.0
    think: float = 1.0  # mean seconds an agent spends on a page before the next
    port: int = 8100
    web_workers: int = 3
    web_threads: int = 4
    worker_concurrency: int = 2
    drain_timeout: float = 300.0
    log_dir: Path = field(default_factory=lambda: ROOT / "var" / "load")


def app_environment(config: LoadConfig) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="socialcrm.settings_production",
        DATABASE_URL=config.database_url,
        REDIS_URL=config.redis_url,
        SECRET_KEY="load-run-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        # 50 agents and the webhook sender share one address: per-address limits are off.
        RATE_LIMIT_WEBHOOK="",
        RATE_LIMIT_LOGIN="",
        **{HOOK_SECRET_ENV: HOOK_SECRET},
    )
    return env


def prepare(config: LoadConfig) -> tuple[int, list[str]]:
    """Logins for the agents and the signed channel; returns the channel id and the usernames.

    Expects generated data (the gen-agent users). Safe to run again.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from cases.models import AgentProfile
    from channels_app.choices import ChannelKind
    from channels_app.models import Channel

    User = get_user_model()
    generated = list(User.objects.filter(username__startswith="gen-agent-").order_by("username")[: config.agents])
    if not generated:
        raise SystemExit("no gen-agent users: run generate_data first")
    # generate_data makes about one agent per 10,000 posts; the rest are load-agent-NNN, each in
    # the teams of a generated agent, so their My teams inbox is as full (their Mine is empty).
    group = Group.objects.get(name="Agents")
    for number in range(len(generated) + 1, config.agents + 1):
        user, created = User.objects.get_or_create(
            username=f"load-agent-{number:03d}", defaults={"first_name": "Load", "last_name": "Agent"}
        )
        if created:
            user.groups.add(group)
            twin = generated[number % len(generated)]
            profile = AgentProfile.objects.create(user=user, languages=["en"], capacity=25)
            profile.teams.add(*twin.agent_profile.teams.all())
    usernames = [user.username for user in generated]
    usernames += [f"load-agent-{n:03d}" for n in range(len(generated) + 1, config.agents + 1)]
    # One hash for all: hashing 50 times costs seconds.
    User.objects.filter(username__in=usernames).update(password=make_password(AGENT_PASSWORD))
    channel, _ = Channel.objects.get_or_create(
        name=CHANNEL_NAME,
        defaults={
            "kind": ChannelKind.WEBHOOK,
            "brand_handles": ["AcmeAirCare"],
            "brand_terms": ["acme air"],
            "credential_env": {"signing_secret": HOOK_SECRET_ENV},
        },
    )
    _analyze()
    return channel.pk, usernames


def _analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them in production. A PostgreSQL with
    autovacuum off (this development machine's) otherwise plans the inbox on the row counts of
    before the previous runs' cases: an agent's inbox read 100,000 rows instead of 100."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}); see its log")
        try:
            if requests.get(url, timeout=2, headers={"X-Forwarded-Proto": "https"}).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def start_services(config: LoadConfig) -> list[subprocess.Popen]:
    env = app_environment(config)
    config.log_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    bin_dir = Path(PYTHON).parent
    web = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "socialcrm.wsgi",
            "--bind",
            f"127.0.0.1:{config.port}",
            "--workers",
            str(config.web_workers),
            "--threads",
            str(config.web_threads),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(config.log_dir / "gunicorn.log", "w"),  # noqa: SIM115 - lives as long as the process
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [
            str(bin_dir / "celery"),
            "-A",
            "socialcrm",
            "worker",
            "-Q",
            "default,ingest,outbound,sla,kpis",
            "--concurrency",
            str(config.worker_concurrency),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(config.log_dir / "celery-worker.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    processes = [web, worker]
    try:
        _wait_for_http(f"http://127.0.0.1:{config.port}/healthz", web)
    except Exception:
        stop_services(processes)
        raise
    return processes


def stop_services(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _load_process(role: str, out: Path, **options) -> subprocess.Popen:
    argv = [PYTHON, "-m", "bench.load", "--role", role, "--out", str(out)]
    for name, value in options.items():
        argv += [f"--{name.replace('_', '-')}", str(value)]
    return subprocess.Popen(argv, cwd=ROOT)


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    if len(values) == 1:
        return {"p50": values[0], "p95": values[0], "p99": values[0]}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "p99": round(cuts[98], 1)}


def stored_posts(channel_id: int, run_id: str) -> tuple[int, int]:
    """(posts of this run stored, distinct external ids among them)."""
    from django.db.models import Count

    from channels_app.models import SocialPost

    posts = SocialPost.objects.filter(channel_id=channel_id, external_id__startswith=f"load-{run_id}-")
    figures = posts.aggregate(rows=Count("id"), distinct=Count("external_id", distinct=True))
    return figures["rows"], figures["distinct"]


def run(config: LoadConfig, *, services: bool = True) -> dict:
    """One load run against config.database_url; Django must be set up on that database."""
    from django.db import connections

    from channels_app.choices import RawEventStatus
    from channels_app.models import RawEvent

    channel_id, usernames = prepare(config)
    connections.close_all()
    run_id = uuid.uuid4().hex[:8]
    processes = start_services(config) if services else []
    base = f"http://127.0.0.1:{config.port}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            agents_out, hooks_out = Path(tmp) / "agents.json", Path(tmp) / "hooks.json"
            agents = _load_process(
                "agents",
                agents_out,
                base=base,
                usernames=",".join(usernames),
                seconds=config.seconds,
                think=config.think,
            )
            hooks = _load_process(
                "hooks",
                hooks_out,
                base=base,
                channel=channel_id,
                run_id=run_id,
                rate=config.rate,
                posts_per_delivery=config.posts_per_delivery,
                seconds=config.seconds,
            )
            hooks.wait()
            sent_at = time.monotonic()
            agents.wait()
            if hooks.returncode or agents.returncode:
                raise RuntimeError(f"a load process failed (agents {agents.returncode}, hooks {hooks.returncode})")
            agent_data = json.loads(agents_out.read_text())
            hook_data = json.loads(hooks_out.read_text())

        accepted = sum(1 for _, _, status in hook_data["results"] if status == 200) * config.posts_per_delivery
        stored, distinct = stored_posts(channel_id, run_id)
        while stored < accepted and time.monotonic() - sent_at < config.drain_timeout:
            time.sleep(0.5)
            stored, distinct = stored_posts(channel_id, run_id)
        drained_after = time.monotonic() - sent_at if stored >= accepted else None
        failed_deliveries = RawEvent.objects.filter(
            channel_id=channel_id, status__in=[RawEventStatus.FAILED, RawEventStatus.DEAD]
        ).count()
    finally:
        stop_services(processes)
        connections.close_all()

    pages: dict[str, list] = {}
    for page, ms, ok in agent_data["samples"]:
        pages.setdefault(page, []).append((ms, ok))
    report_pages = {
        page: {"requests": len(rows), "errors": sum(1 for _, ok in rows if not ok)}
        | _percentiles([ms for ms, ok in rows if ok])
        for page, rows in sorted(pages.items())
    }
    hook_results = hook_data["results"]
    return {
        "run_id": run_id,
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items() if k != "database_url"},
        "pages": report_pages,
        "agent_requests": sum(p["requests"] for p in report_pages.values()),
        "agent_errors": sum(p["errors"] for p in report_pages.values()),
        # Client-side reasons (a timeout, a connection the server closed); the server's own
        # answers are in var/load/gunicorn.log.
        "agent_error_kinds": dict(Counter(agent_data.get("error_kinds", []))),
        "webhooks": {
            "deliveries": len(hook_results),
            "errors": sum(1 for _, _, status in hook_results if status != 200),
            "statuses": sorted({status for _, _, status in hook_results}),
            "error_kinds": dict(Counter(hook_data.get("error_kinds", []))),
            "answered_seconds": round(hook_data["answered_seconds"], 1),
            "accepted_per_s": round(len(hook_results) / hook_data["answered_seconds"], 1),
            "start_lag_p95_ms": _percentiles([lag for _, lag, _ in hook_results])["p95"],
        }
        | _percentiles([ms for ms, _, status in hook_results if status == 200]),
        "posts_sent": hook_data["posts"],
        "posts_accepted": accepted,
        "posts_stored": stored,
        "posts_stored_twice": stored - distinct,
        "failed_deliveries": failed_deliveries,
        "backlog_drained_after_s": None if drained_after is None else round(drained_after, 1),
    }


def print_report(report: dict) -> None:
    print(f"\nLoad run {report['run_id']}: {json.dumps(report['config'])}")
    print(f"{'page':<20} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for page, row in report["pages"].items():
        print(f"{page:<20} {row['requests']:>8} {row['errors']:>6} {row['p50']:>8} {row['p95']:>8} {row['p99']:>8}")
    hooks = report["webhooks"]
    print(
        f"{'webhook accept':<20} {hooks['deliveries']:>8} {hooks['errors']:>6} {hooks['p50']:>8} {hooks['p95']:>8} "
        f"{hooks['p99']:>8}  (all answered after {hooks['answered_seconds']} s: {hooks['accepted_per_s']}/s; "
        f"start lag p95 {hooks['start_lag_p95_ms']} ms)"
    )
    if report["agent_error_kinds"] or hooks["error_kinds"]:
        print(f"errors by kind: agents {report['agent_error_kinds']}, webhooks {hooks['error_kinds']}")
    print(
        f"posts sent {report['posts_sent']}, accepted {report['posts_accepted']}, stored {report['posts_stored']} "
        f"(twice: {report['posts_stored_twice']}), failed deliveries {report['failed_deliveries']}, "
        f"backlog drained {report['backlog_drained_after_s']} s after the last delivery"
    )


def _manage(args: list[str], config: LoadConfig) -> None:
    env = app_environment(config)
    env["DJANGO_SETTINGS_MODULE"] = "socialcrm.settings"
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def ensure_database(url: str) -> None:
    """Create the load database when missing; an existing one is kept (and reused as it is)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = LoadConfig()
    parser.add_argument("--role", choices=["run", "agents", "hooks"], default="run", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--channel", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--run-id", help=argparse.SUPPRESS)
    parser.add_argument("--usernames", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", defaults.database_url))
    parser.add_argument("--redis-url", default=os.environ.get("LOAD_REDIS_URL", defaults.redis_url))
    parser.add_argument("--posts", type=int, default=defaults.posts, help="generated when the database has none")
    parser.add_argument("--agents", type=int, default=defaults.agents)
    parser.add_argument("--rate", type=float, default=defaults.rate, help="webhook posts a second")
    parser.add_argument("--posts-per-delivery", type=int, default=defaults.posts_per_delivery)
    parser.add_argument("--seconds", type=float, default=defaults.seconds)
    parser.add_argument("--think", type=float, default=defaults.think, help="mean think time of an agent, seconds")
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument("--web-workers", type=int, default=defaults.web_workers)
    parser.add_argument("--web-threads", type=int, default=defaults.web_threads)
    parser.add_argument("--worker-concurrency", type=int, default=defaults.worker_concurrency)
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args()

    if args.role == "agents":
        result = run_agents(args.base, args.usernames.split(","), args.seconds, args.think, AGENT_PASSWORD)
        Path(args.out).write_text(json.dumps(result))
        return
    if args.role == "hooks":
        result = run_hooks(args.base, args.channel, args.run_id, args.rate, args.posts_per_delivery, args.seconds)
        Path(args.out).write_text(json.dumps(result))
        return

    config = LoadConfig(
        database_url=args.database_url,
        redis_url=args.redis_url,
        posts=args.posts,
        agents=args.agents,
        rate=args.rate,
        posts_per_delivery=args.posts_per_delivery,
        seconds=args.seconds,
        think=args.think,
        port=args.port,
        web_workers=args.web_workers,
        web_threads=args.web_threads,
        worker_concurrency=args.worker_concurrency,
    )
    ensure_database(config.database_url)
    _manage(["migrate", "--noinput", "-v", "0"], config)
    os.environ.update(app_environment(config))
    os.environ["DJANGO_SETTINGS_MODULE"] = "socialcrm.settings"
    import django

    django.setup()
    from channels_app.models import SocialPost

    if not SocialPost.objects.exists():
        _manage(["generate_data", "--posts", str(config.posts)], config)
    report = run(config)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
