FROM nginx:1.27.2-alpine3.20
COPY nginx.conf /etc/nginx/nginx.conf
COPY --chown=nginx:nginx public/ /usr/share/nginx/html/
RUN touch /var/run/nginx.pid && chown nginx:nginx /var/run/nginx.pid
USER nginx
EXPOSE 8080
HEALTHCHECK CMD wget -q --spider http://127.0.0.1:8080/ || exit 1
