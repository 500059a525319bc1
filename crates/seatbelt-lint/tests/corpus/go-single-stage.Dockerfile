FROM golang:1.22
WORKDIR /go/src/app
COPY . .
RUN go get -d -v ./...
RUN go install -v ./...
RUN go install github.com/air-verse/air@latest
CMD ["app"]
