//! Compiles helper/tally.c, flypy's counting callbacks for sys.monitoring, into a shared object
//! that the crate embeds (run.rs writes it next to a counted run for the helper to load).
//! Built for CPython's stable ABI without its headers (tally.c declares what it uses), so one
//! object serves every 3.12+ interpreter and the build needs no Python.

use std::path::PathBuf;
use std::process::Command;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let source = "src/helper/tally.c";
    println!("cargo:rerun-if-changed={source}");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let target = out.join("flypy_tally.so");
    // cc finds the C compiler for the target (CC, CFLAGS, cross setups) as for any -sys crate;
    // the flags make a position-independent shared object that exports only PyInit_.
    let compiler = cc::Build::new().opt_level(2).pic(true).get_compiler();
    let mut cmd: Command = compiler.to_command();
    cmd.args([
        "-shared",
        "-fvisibility=hidden",
        "-Wall",
        "-Wextra",
        "-Werror",
    ]);
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        // Python's symbols come from the interpreter that loads the object.
        cmd.args(["-undefined", "dynamic_lookup"]);
    }
    cmd.arg("-o").arg(&target).arg(source);
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run the C compiler {:?}: {e}", compiler.path()))?;
    if !status.success() {
        return Err(format!("compiling {source} failed ({status}): {cmd:?}").into());
    }
    Ok(())
}
