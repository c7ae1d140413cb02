# The CIS service image: search API under gunicorn, plus the crawl/index CLI.
FROM python:3.11-slim
WORKDIR /app
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
ENV CIS_HOST=0.0.0.0 CIS_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
CMD ["gunicorn", "-c", "search_service/gunicorn_config.py", "search_service:create_app()"]
