FROM tomcat:10.1-jdk17
MAINTAINER ops team <ops@example.com>
ADD target/app.war /usr/local/tomcat/webapps/ROOT.war
ADD https://repo.example.com/agents/agent.jar /opt/agent/agent.jar
ENV CATALINA_OPTS="-javaagent:/opt/agent/agent.jar"
EXPOSE 8080 22
CMD ["catalina.sh", "run"]
