FROM docker:27.3-cli
RUN apk add --no-cache bash=5.2.26-r0 git=2.45.2-r0 make=4.4.1-r2 python3=3.12.7-r0 py3-pip=24.0-r2
ARG KUBECTL_VERSION=1.31.1
ADD https://dl.k8s.io/release/v${KUBECTL_VERSION}/bin/linux/amd64/kubectl /usr/local/bin/kubectl
RUN chmod +x /usr/local/bin/kubectl
USER 1000
