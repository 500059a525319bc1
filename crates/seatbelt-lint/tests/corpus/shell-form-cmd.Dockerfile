FROM python:3.12-slim
USER nobody
ENTRYPOINT python -m http.server
CMD --bind 0.0.0.0
