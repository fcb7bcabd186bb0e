//! One file of `flypy dis` as text: flypy_bytecode's listing, as that version's `dis` prints
//! it, under a `==> path <==` header when there are several files.

use std::io::Write;

use flypy_bytecode::dis::write_dis_bytes;

use crate::document::DisFile;
use crate::ReportError;

pub(super) fn write(f: &DisFile, out: &mut dyn Write) -> Result<(), ReportError> {
    let mut text = Vec::new();
    if f.many {
        text = format!(
            "==> {} (CPython {}) <==\n",
            f.loaded.path.display(),
            f.loaded.version
        )
        .into_bytes();
    }
    write_dis_bytes(&mut text, f.code, f.loaded.version, f.options)?;
    if f.many {
        text.push(b'\n');
    }
    out.write_all(&text)?;
    Ok(())
}
