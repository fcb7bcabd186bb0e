//! Any bytes as a callgrind profile: the parser must return a profile or an error naming a
//! line, never panic, and a profile it returns must add up.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match flypy_callgrind::parse_bytes(data) {
        Ok(profile) => {
            // Self costs add up to the totals; a function's inclusive cost includes its own.
            for event in 0..profile.events.len() {
                let self_sum: u128 = profile
                    .functions
                    .iter()
                    .map(|f| u128::from(f.self_cost[event]))
                    .sum();
                assert_eq!(self_sum, u128::from(profile.totals[event]));
                assert!(profile
                    .functions
                    .iter()
                    .all(|f| f.inclusive[event] >= f.self_cost[event]));
            }
            // Differences and scaling work on whatever was read.
            if let Ok(diff) = profile.subtract(&profile) {
                assert!(diff.functions.is_empty());
                let _ = diff.per_call(1 + data.len() as u64);
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
