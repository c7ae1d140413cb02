# The CIS service image: the portal and the search API under gunicorn, plus the crawl/index CLI.

# The portal's front-end packages, exactly as the lockfile says (DSFR's licence: .dsfr.yml).
FROM node:20-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json .dsfr.yml ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim
WORKDIR /app
# Only the packages' dist folders: the app serves a listed few files of them.
COPY --from=frontend /build/node_modules/@gouvfr/dsfr/package.json node_modules/@gouvfr/dsfr/
COPY --from=frontend /build/node_modules/@gouvfr/dsfr/dist node_modules/@gouvfr/dsfr/dist
COPY --from=frontend /build/node_modules/htmx.org/package.json node_modules/htmx.org/
COPY --from=frontend /build/node_modules/htmx.org/dist node_modules/htmx.org/dist
COPY --from=frontend /build/node_modules/leaflet/package.json node_modules/leaflet/
COPY --from=frontend /build/node_modules/leaflet/dist node_modules/leaflet/dist
COPY pyproject.toml README.md ./
COPY cis cis
COPY mappings mappings
COPY engines engines
COPY crawlers crawlers
COPY indexer indexer
COPY search_service search_service
COPY cis_cli cis_cli
COPY scrapy.cfg ./
# The runtime wheel only: the development tools (devtools/) stay out of the image.
RUN pip install --no-cache-dir -e .
ENV CIS_HOST=0.0.0.0 CIS_DATA_DIR=/data CIS_FRONTEND_DIR=/app/node_modules
VOLUME /data
EXPOSE 8000
CMD ["gunicorn", "-c", "search_service/gunicorn_config.py", "search_service:create_app()"]
