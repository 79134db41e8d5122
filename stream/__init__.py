"""stream: crawled news pages on Kafka in, articles and unique, enriched teasers out."""

__version__ = "0.1.0"
