"""Helpers for tests and benchmarks: a synthetic crawl feed and worker-process control."""
