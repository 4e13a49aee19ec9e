# Cold-start fixture for npm run bench: its RUN has a redirection, so the CLI loads the tree-sitter shell grammar.
FROM debian:12-slim
RUN set -eux; apt-get update > /dev/null && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
USER 1000
CMD ["curl", "--version"]
