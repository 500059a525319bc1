FROM golang:1.23 AS tools
RUN go install golang.org/x/tools/cmd/goimports@v0.25.0
RUN go install honnef.co/go/tools/cmd/staticcheck@latest
RUN go install github.com/golangci/golangci-lint/cmd/golangci-lint

FROM debian:12.7-slim
COPY --from=tools /go/bin/ /usr/local/bin/
USER 1000
