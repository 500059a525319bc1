from alpine:3.20 as base
run apk add --no-cache curl=8.10.1-r0
workdir /app
copy . .
user 1000
cmd ["./run"]
