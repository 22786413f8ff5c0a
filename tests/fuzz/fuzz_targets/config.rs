//! Fuzz target: any text through the configuration parser; an error is located inside the
//! text and a parsed configuration keeps the invariants the rest of the program relies on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipdeck::config::Config;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::from_str(text, Some(Path::new("fuzz.toml"))) {
        Err(e) => {
            let message = e.to_string();
            let at = e.location().expect("an error about the text has a location");
            assert_eq!(at.file, "fuzz.toml");
            assert!(at.line >= 1 && at.line <= text.split('\n').count());
            assert!(at.column >= 1);
            assert!(message.starts_with(&at.to_string()), "{message}");
        }
        Ok(config) => {
            assert!(!config.environments.is_empty());
            let p = config.polling;
            assert!(1000 <= p.active_ms && p.active_ms <= p.idle_ms);
            assert!(p.idle_ms <= p.max_backoff_ms);
            assert!((16..=5000).contains(&config.ui.tick_ms));
            for (i, env) in config.environments.iter().enumerate() {
                assert!(config.environments[..i].iter().all(|e| e.name != env.name));
                if let Some(from) = &env.promotes_from {
                    assert_ne!(from, &env.name);
                    assert!(config.environment(from).is_some());
                }
            }
        }
    }
});
