# syntax=docker/dockerfile:1.7
FROM rust:1.81-alpine AS build
RUN apk add --no-cache musl-dev=1.2.5-r0
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target <<EOF
set -eux
cargo build --release --locked
cp target/release/tool /tool
EOF

FROM alpine:3.20
COPY --from=build /tool /usr/local/bin/tool
COPY <<EOF /etc/tool/config.toml
[server]
listen = "0.0.0.0:9000"
EOF
USER 1000
ENTRYPOINT ["tool"]
