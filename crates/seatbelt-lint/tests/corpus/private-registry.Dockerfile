FROM registry.example.com:5000/platform/base:2024.10
FROM localhost/dev/tooling:1.0
FROM quay.io/prometheus/node-exporter:v1.8.2
USER 65534
