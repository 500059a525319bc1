# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN New-Item -ItemType Directory -Path C:\app ; `
    Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile C:\app\tool.zip
WORKDIR C:\app
COPY bin\ C:\app\bin\
ENV APP_HOME=C:\app
CMD ["C:\\app\\bin\\server.exe"]
