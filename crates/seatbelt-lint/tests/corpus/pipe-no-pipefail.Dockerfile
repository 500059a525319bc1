FROM debian:12.7-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u7 ca-certificates=20230311 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL https://example.com/archive.tgz | tar -xz -C /opt
RUN echo "$(date) built" | tee /etc/build-date
USER 1000
