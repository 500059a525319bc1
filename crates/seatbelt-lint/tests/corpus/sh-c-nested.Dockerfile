FROM debian:12.7-slim
RUN sh -c "apt-get update && apt-get install -y --no-install-recommends git=1:2.39.5-0+deb12u1 && rm -rf /var/lib/apt/lists/*"
RUN bash -ec 'cd /tmp && pip install requests'
RUN ["/bin/sh", "-c", "echo exec form with sh -c"]
RUN ["apt-get", "install", "-y", "vim"]
USER 1000
