//! flypy's end-to-end tests, one test binary: each module tests the binary against real
//! interpreters, valgrind and `.pyc` files as a user runs it. One binary rather than one per file
//! (issue 14): it links once, and its tests share the two cores without a pause between files.
//! Run one file's tests with `cargo test --release -p flypy --test cli -- MODULE::`.

mod bad_input;
mod blame;
mod cli_cost;
mod cli_dis;
mod cli_dis_adaptive;
mod cli_dive;
mod cli_explain;
mod cli_time;
mod cli_trace;
mod common;
mod html_report;
mod paths_and_locales;
mod rendering;
mod shipping;
mod signals;
mod trace_counts;
mod trace_edges;
