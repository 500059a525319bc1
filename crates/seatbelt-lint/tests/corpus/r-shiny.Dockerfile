FROM rocker/shiny:4.4.1
RUN install2.r --error --skipinstalled shinydashboard DT
COPY app/ /srv/shiny-server/app/
USER shiny
EXPOSE 3838
CMD ["/usr/bin/shiny-server"]
