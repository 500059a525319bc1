# syntax=docker/dockerfile:1.7
FROM golang:1.23-bookworm AS build
WORKDIR /src
RUN --mount=type=ssh \
    --mount=type=secret,id=netrc,target=/root/.netrc \
    --mount=type=bind,target=.,rw \
    --mount=type=cache,target=/go/pkg/mod,id=gomod,sharing=shared \
    --mount=type=tmpfs,target=/tmp \
    go build -o /out/app ./...
RUN --network=none --security=insecure true

FROM debian:12.7-slim
COPY --from=build /out/app /usr/local/bin/app
USER 1000
ENTRYPOINT ["app"]
