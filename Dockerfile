# syntax=docker/dockerfile:1
# Multi-stage build of the portal (default target) and the AWS emulator (--target emulator).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Portal.sln ./
COPY src/ src/
COPY tools/ tools/
RUN dotnet publish src/Portal.Web/Portal.Web.csproj -c Release -o /out/portal \
 && dotnet publish tools/Portal.AwsEmulator/Portal.AwsEmulator.csproj -c Release -o /out/emulator

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime-base
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && groupadd --system portal && useradd --system --gid portal --home-dir /app --shell /usr/sbin/nologin portal
WORKDIR /app
ENV ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1

FROM runtime-base AS emulator
COPY --from=build /out/emulator .
# Where Emulator__StatePath keeps state across restarts (a named volume in docker-compose.yml).
RUN mkdir -p /app/state && chown portal:portal /app/state
USER portal
ENV ASPNETCORE_URLS=http://0.0.0.0:4566
EXPOSE 4566
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:4566/health || exit 1
ENTRYPOINT ["dotnet", "Portal.AwsEmulator.dll"]

FROM runtime-base AS portal
COPY --from=build /out/portal .
# The CloudFormation and Packer templates are read at run time from templates/ beside the app.
COPY templates/ templates/
USER portal
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["dotnet", "Portal.Web.dll"]
