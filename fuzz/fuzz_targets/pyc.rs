//! Any bytes as a `.pyc`: the header and marshal reader, then (when it reads) the version's
//! disassembler, must return an error or text, never panic.
#![no_main]

use flypy_bytecode::dis::{dis_text, DisOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(pyc) = flypy_marshal::read_pyc(data) {
        if let Some(code) = pyc.code.as_code() {
            let opts = DisOptions { show_caches: data.len() % 2 == 0, ..DisOptions::default() };
            let _ = dis_text(code, pyc.version, &opts);
        }
    }
});
