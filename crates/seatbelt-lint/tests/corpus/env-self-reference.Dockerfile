FROM alpine:3.20
ENV BASE=/opt/tool BIN=$BASE/bin
ENV OTHER=${BASE}/lib
USER 1
