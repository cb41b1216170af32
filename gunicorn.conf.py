"""gunicorn settings for the web container (see docker-compose.yml).

Gunicorn's own GUNICORN_CMD_ARGS overrides any of them ("--bind 0.0.0.0:8080 --workers 5"),
and its FORWARDED_ALLOW_IPS names the proxies it trusts (default 127.0.0.1).
"""

bind = "0.0.0.0:8000"
workers = 3
threads = 4
worker_class = "gthread"
timeout = 30
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# No access log: it would write client IPs and URLs with tokens. Errors go to
# stderr through Django's logging, which redacts personal data.
accesslog = None
errorlog = "-"
