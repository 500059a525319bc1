FROM ubuntu:22.04
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get dist-upgrade -y && apt-get install -y --no-install-recommends tzdata=2024a-0ubuntu0.22.04 && rm -rf /var/lib/apt/lists/*
RUN ln -sf /bin/bash /bin/sh
USER root
CMD ["/bin/bash"]
