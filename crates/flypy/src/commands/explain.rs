//! `flypy explain OPNAME [--python PY]`: what an opcode does and costs, from flypy's own
//! opcode reference (`flypy_knowledge`), for one version or across all of them.

use std::process::ExitCode;

use anyhow::bail;
use flypy_marshal::PyVersion;

use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// The opcode's name as dis prints it (any case), e.g. LOAD_ATTR or CALL_LIST_APPEND.
    opname: String,
    /// A version (3.12) or an interpreter (path or command) whose version to explain it for.
    #[arg(long)]
    python: Option<String>,
    /// Output width in columns.
    #[arg(long, default_value_t = 100)]
    width: usize,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let version = match args.python.as_deref() {
        None => None,
        // A bare version needs no interpreter: the reference knows every version's tables.
        Some(spec) => match PyVersion::parse(spec) {
            Some(v) => Some((v.major, v.minor)),
            None => {
                let interp = flypy_probe::resolve(Some(spec))?;
                Some((interp.version.major, interp.version.minor))
            }
        },
    };
    if args.width < 40 {
        bail!("--width must be at least 40 columns");
    }
    let name = args.opname.to_ascii_uppercase();
    let explanation = flypy_knowledge::explain(&name, version)?;
    output::print(flypy_knowledge::render_text(&explanation, args.width))?;
    Ok(ExitCode::SUCCESS)
}
