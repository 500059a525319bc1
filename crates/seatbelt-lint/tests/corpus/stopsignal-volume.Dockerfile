FROM nginx:1.27
STOPSIGNAL SIGQUIT
VOLUME ["/var/cache/nginx", "/var/log/nginx"]
VOLUME /data /more
USER nginx
