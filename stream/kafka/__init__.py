"""The Kafka edge of `stream`: the worker, its cluster connection, topics, the embedded broker."""
