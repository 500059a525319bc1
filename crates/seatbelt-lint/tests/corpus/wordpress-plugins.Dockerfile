FROM wordpress:6.6-php8.2-apache
RUN curl -fsSL -o /tmp/plugin.zip https://downloads.example.org/plugin.1.2.zip \
 && unzip /tmp/plugin.zip -d /usr/src/wordpress/wp-content/plugins \
 && rm /tmp/plugin.zip
USER www-data
