ARG BASE_IMAGE=debian
ARG BASE_TAG=12.7-slim
ARG UNUSED
FROM ${BASE_IMAGE}:${BASE_TAG} AS base
ARG BASE_TAG
RUN echo "building on ${BASE_TAG}" > /etc/build-info
ARG APP_VERSION=0.0.0
LABEL org.opencontainers.image.version=$APP_VERSION

FROM base
ARG APP_VERSION
ENV APP_VERSION=${APP_VERSION:-dev} \
    APP_FLAVOR=${FLAVOR:+custom}
USER 1000
