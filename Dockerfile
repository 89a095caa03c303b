# syntax=docker/dockerfile:1
# TagWorker image: build with the .NET 10 SDK, run on the ASP.NET Core 10 runtime (the worker serves /healthz and
# /readyz through Kestrel) as the image's non-root `app` user (UID 1654).
#
#   docker build -t <registry>/tagworker:<version> .
#
# Build context: the repository root (see .dockerignore, which lets in only what the build needs).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files alone, so that source edits do not invalidate the package layer.
# Every project src/Worker references (directly or through another project) must be listed here.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Contracts/TagWorker.Contracts.csproj src/Contracts/
COPY src/ImApi/TagWorker.ImApi.csproj src/ImApi/
COPY src/ImSimulator/TagWorker.ImSimulator.csproj src/ImSimulator/
COPY src/Worker/TagWorker.csproj src/Worker/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet restore src/Worker/TagWorker.csproj

COPY src/ src/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish src/Worker -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./

# The files stay owned by root and read-only to the app; the process runs as `app` (APP_UID=1654, set by the base
# image). Numeric so that Kubernetes' runAsNonRoot can verify it without a passwd lookup.
USER $APP_UID

# Kestrel listens on `Urls` (appsettings.json: http://0.0.0.0:8080); the base image's ASPNETCORE_HTTP_PORTS=8080
# agrees with it. Health only: metrics are pushed over OTLP, not scraped.
EXPOSE 8080

ENTRYPOINT ["dotnet", "TagWorker.dll"]
