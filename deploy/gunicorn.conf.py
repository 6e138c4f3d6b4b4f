"""Gunicorn settings for Zhusan in production (docs/deployment.md).

Every value comes from the environment, so the systemd unit, the compose file
and the benchmark start the same server with their own numbers."""

import multiprocessing
import os

bind = os.environ.get("ZHUSAN_BIND", "127.0.0.1:8000")
# Sync workers with a few threads each: Django's ORM is synchronous, and a
# thread waits on PostgreSQL while another serves.
workers = int(os.environ.get("ZHUSAN_WEB_WORKERS", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
threads = int(os.environ.get("ZHUSAN_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("ZHUSAN_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (memory held by a long life).
max_requests = 2000
max_requests_jitter = 200
# The reverse proxy in front sets X-Forwarded-Proto; trust it only from there.
forwarded_allow_ips = os.environ.get("ZHUSAN_PROXY_IPS", "127.0.0.1")
accesslog = os.environ.get("ZHUSAN_ACCESS_LOG", "-")
# Request lines only: no query strings (a search is personal data).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
wsgi_app = "zhusan.wsgi:application"


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """Prometheus in multi-process mode: a dead worker's gauges leave the sum."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Build the registry's block index (duplicate proposals at registration)
    in the background as the worker starts, so that the first registration
    after a start or a worker's replacement does not wait for it: seconds at
    a hundred thousand persons, minutes at a million (docs/benchmarks.md).
    A registration arriving during the build waits for it (the index's lock),
    as it would have built it. ``ZHUSAN_WARM_BLOCK_INDEX=false`` leaves the
    build to the first registration."""
    if os.environ.get("ZHUSAN_WARM_BLOCK_INDEX", "true").lower() in {"0", "false", "no", "off"}:
        return None
    import threading
    import time

    def warm() -> None:
        from django.db import connection

        from zhusan.matching.candidates import registry_blocks

        started = time.monotonic()
        try:
            registry_blocks().build()
            worker.log.info("block index built in %.1f s", time.monotonic() - started)
        except Exception:  # a worker serves without it; the first registration builds it
            worker.log.exception("block index not built at start")
        finally:
            connection.close()

    thread = threading.Thread(target=warm, name="zhusan-block-index", daemon=True)
    thread.start()
    return thread
