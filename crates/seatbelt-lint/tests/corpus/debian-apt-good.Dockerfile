FROM debian:12.7-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates=20230311 \
        curl=7.88.1-10+deb12u7 \
    && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL https://example.com/KEY.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg
RUN useradd --no-log-init -r -u 999 app
USER app
HEALTHCHECK CMD ["curl", "-f", "http://localhost:8080/"]
CMD ["/usr/local/bin/app"]
