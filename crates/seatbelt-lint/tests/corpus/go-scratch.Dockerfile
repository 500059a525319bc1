FROM golang:1.23-alpine AS builder
RUN apk add --no-cache git=2.45.2-r0 ca-certificates=20240705-r0
WORKDIR /app
COPY . .
RUN CGO_ENABLED=0 go build -o /bin/app .

FROM scratch
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=builder /bin/app /bin/app
USER 65532:65532
ENTRYPOINT ["/bin/app"]
