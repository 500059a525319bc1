# syntax=docker/dockerfile:1
# Every required OCI label, valid, on the final image; the builder only feeds COPY --from.
FROM golang:1.23-bookworm AS build
WORKDIR /src
COPY . .
RUN go build -o /out/api ./cmd/api

FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.vendor="Example Ltd" \
      org.opencontainers.image.source="https://github.com/example/api" \
      org.opencontainers.image.authors="platform@example.com" \
      org.opencontainers.image.revision="4f2b8c1d9e0a7b6c5d4e3f2a1b0c9d8e7f6a5b4c" \
      org.opencontainers.image.created="2024-05-01T12:30:00Z" \
      org.opencontainers.image.version="1.4.0" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/api /api
USER nonroot
HEALTHCHECK --interval=30s CMD ["/api", "healthcheck"]
ENTRYPOINT ["/api"]
