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
