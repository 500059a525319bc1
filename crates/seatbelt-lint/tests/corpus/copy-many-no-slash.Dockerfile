FROM nginx:1.27
COPY index.html style.css app.js /usr/share/nginx/html
COPY ["robots.txt", "favicon.ico", "/usr/share/nginx/html/"]
ADD config/ /etc/nginx/conf.d/
ADD vendor.tar.gz /opt/vendor/
