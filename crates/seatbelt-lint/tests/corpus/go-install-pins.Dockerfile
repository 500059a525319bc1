FROM golang:1.23-alpine AS tools
RUN go install golang.org/x/tools/gopls@latest
RUN go install github.com/go-delve/delve/cmd/dlv
RUN go install honnef.co/go/tools/cmd/staticcheck@2024.1.1 \
 && go install -v golang.org/x/vuln/cmd/govulncheck@v1.1.3
RUN go get github.com/stretchr/testify

FROM golang:1.23-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go install ./... && go run . -version

FROM alpine:3.20
COPY --from=tools /go/bin/ /usr/local/bin/
COPY --from=build /go/bin/ /usr/local/bin/
USER 65534
