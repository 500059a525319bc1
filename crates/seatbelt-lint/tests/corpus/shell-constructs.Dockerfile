FROM debian:12.7-slim
ARG TARGETARCH
RUN case "$TARGETARCH" in \
      amd64) ARCH=x86_64 ;; \
      arm64) ARCH=aarch64 ;; \
    esac \
 && echo "$ARCH" > /arch
RUN if [ -f /etc/debian_version ]; then apt-get update && apt-get install -y --no-install-recommends jq=1.6-2.1; fi
RUN for f in a b c; do touch /tmp/$f; done
RUN install_tools() { echo tools; } && install_tools
USER 1000
