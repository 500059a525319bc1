# syntax=docker/dockerfile:1
FROM ubuntu:24.04
RUN <<EOT
  apt-get update
  apt-get install -y --no-install-recommends python3
EOT
USER ubuntu
