FROM redis:7.4-alpine
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --start-interval=1s --retries=3 \
  CMD redis-cli ping | grep -q PONG || exit 1
HEALTHCHECK CMD ["redis-cli", "ping"]
USER redis
