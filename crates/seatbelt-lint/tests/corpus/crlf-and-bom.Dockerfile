FROM alpine:3.20
RUN echo "windows line endings"
USER 1000
