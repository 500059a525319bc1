FROM python:3.12-slim
# Values that do not match the label schema's formats, one LABEL each.
LABEL org.opencontainers.image.vendor=""
LABEL org.opencontainers.image.source="github.com/example/worker"
LABEL org.opencontainers.image.authors="Platform Team <platform@example.com>"
LABEL org.opencontainers.image.revision="main"
LABEL org.opencontainers.image.created="2024-05-01"
LABEL org.opencontainers.image.version="v1.4"
LABEL org.opencontainers.image.licenses="Apache 2"
# And some that do.
LABEL org.opencontainers.image.created="1996-12-19T16:39:57-08:00" \
      org.opencontainers.image.version="2.0.0-rc.1+build.5" \
      org.opencontainers.image.licenses="GPL-2.0-only" \
      org.opencontainers.image.revision="4f2b8c1"
RUN pip install --no-cache-dir celery==5.4.0
USER 1000
CMD ["celery", "-A", "worker", "worker"]
