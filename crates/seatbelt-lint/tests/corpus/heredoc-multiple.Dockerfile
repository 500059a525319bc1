# syntax=docker/dockerfile:1.4
FROM debian:12.7-slim
RUN <<INSTALL
set -e
apt-get update
apt-get install -y --no-install-recommends nginx=1.22.1-9
rm -rf /var/lib/apt/lists/*
INSTALL
COPY <<-'SITE' /etc/nginx/conf.d/default.conf
	server {
	    listen 8080;
	    location / { return 200 "ok\n"; }
	}
	SITE
RUN <<FIRST cat > /usr/share/nginx/html/a.txt && <<SECOND cat > /usr/share/nginx/html/b.txt
alpha
FIRST
beta
SECOND
USER www-data
CMD ["nginx", "-g", "daemon off;"]
