FROM debian:12.7-slim
SHELL /bin/bash -c
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN echo hello | tr a-z A-Z > /hello
USER 1000
