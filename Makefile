# The two commands a fresh machine needs (see README.md): `make setup`, then `make test`.
PY ?= python3

.PHONY: setup setup-system test test-fast lint

setup-system:  ## Debian packages: JDK + Maven (toolchain fetch), iverilog/Verilator (simulation), bubblewrap (sandbox); Icarus 12
	@command -v apt-get >/dev/null && { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  openjdk-17-jdk-headless maven iverilog verilator bubblewrap >/dev/null; } || echo "apt-get not found: install a JDK 17, Maven, iverilog, verilator, bubblewrap yourself"
	@# Icarus Verilog 12 (VerilogEval v2's simulator) from Debian 13's source package, cached; the packaged 11 stays as the reported fallback
	@sh scripts/build-iverilog12.sh || echo "Icarus Verilog 12 not built: simulations run on the PATH's iverilog, reported as a fallback"

setup: setup-system
	$(PY) -m pip install -q -e ".[test,train]"
	agent setup --all
	agent rag build

test:
	$(PY) -m pytest -q -ra

test-fast:  ## skip the slow marks (Verilator builds, both-profile seed checks)
	$(PY) -m pytest -q -ra -m "not slow"

lint:  ## ruff on the whole tree, mypy on agent/ and reflect_env/ (settings in pyproject.toml); CI runs it
	$(PY) -m ruff check .
	$(PY) -m mypy
