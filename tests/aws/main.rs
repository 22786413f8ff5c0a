//! The AWS adapters: through the real SDK over mocked answers and a stub endpoint, the IAM
//! policies, and against the local AWS emulator (moto, started by `make test`).

#[macro_use]
#[path = "../support/mod.rs"]
mod support;
mod actions;
mod emulator_accounts;
mod emulator_adapters;
mod emulator_athena;
mod emulator_cdn;
mod emulator_cli;
mod emulator_deployer;
mod emulator_discovery;
mod emulator_insights;
mod emulator_livetail;
mod emulator_metrics;
mod emulator_secrets;
mod emulator_writes;
mod errors;
mod iam;
mod login;
mod ops;
mod ops_emulator;
mod probes;
mod rollback;
mod state;
mod v2;
