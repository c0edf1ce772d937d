"""City scale: the synthetic Jincheng (`safetrain seed city`), the benchmark suite
(`safetrain bench`) and the trivial endpoint the HTTP benchmarks compare against.

An app-less package: its management commands live in safetrain.demo (seed.py, bench.py), its
API router (GET /api/v1/ping) is mounted by config.api. See docs/benchmarks.md.
"""
