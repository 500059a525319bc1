FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR /source
COPY --link *.csproj .
RUN dotnet restore -r linux-x64
COPY --link . .
RUN dotnet publish --no-restore -r linux-x64 -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled
WORKDIR /app
COPY --link --from=build /app .
USER $APP_UID
ENTRYPOINT ["./aspnetapp"]
