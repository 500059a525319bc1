FROM --platform=linux/amd64 python:3.12-slim
FROM --platform=$TARGETPLATFORM alpine:3.20
USER 1
