//! shipdeck.toml: discovery, parsing and validation into typed configuration.
