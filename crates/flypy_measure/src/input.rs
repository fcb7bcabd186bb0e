//! Reading the user's files: only regular files, and only up to a size that fits in memory, so
//! that `/dev/zero`, a FIFO or a symlink to either gets an error naming it, not an endless read.

use std::io::Read;
use std::path::Path;

/// The largest file flypy reads as input (a `.pyc`, a pyperf file, a case file): 1 GiB.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// The bytes of `path`, which must be a regular file (symlinks followed) of at most
/// [`MAX_INPUT_BYTES`]; the error says which rule it broke.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let meta = check_regular(path)?;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    // The file may grow while it is read: never read more than the limit and one byte.
    let mut data = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|e| format!("cannot read it: {e}"))?;
    if data.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_big());
    }
    Ok(data)
}

fn too_big() -> String {
    format!(
        "larger than {} MiB, the most flypy reads",
        MAX_INPUT_BYTES >> 20
    )
}

/// Checks that `path` is a regular file (symlinks followed) of at most [`MAX_INPUT_BYTES`],
/// for files another program reads on flypy's behalf (a `.py` the interpreter compiles).
pub fn check_regular(path: &Path) -> Result<std::fs::Metadata, String> {
    let meta = std::fs::metadata(path).map_err(|e| cannot_read(&e))?;
    if !meta.is_file() {
        let kind = kind_of(&meta);
        return Err(format!("not a regular file ({kind})"));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_big());
    }
    Ok(meta)
}

/// Why a path could not be read, said plainly: a symlink loop by that name (the system's
/// "too many levels of symbolic links" does not say that a link leads back to itself).
pub fn cannot_read(e: &std::io::Error) -> String {
    if is_symlink_loop(e) {
        "a symlink loop (a symbolic link that leads back to itself), not a file".to_owned()
    } else {
        format!("cannot read it: {e}")
    }
}

pub fn is_symlink_loop(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(nix::errno::Errno::ELOOP as i32)
}

/// [`read_bounded`] as UTF-8 text.
pub fn read_text_bounded(path: &Path) -> Result<String, String> {
    String::from_utf8(read_bounded(path)?).map_err(|_| "not UTF-8 text".to_owned())
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_fifos_and_directories_are_refused_by_kind() {
        assert_eq!(
            read_bounded(Path::new("/dev/zero")),
            Err("not a regular file (a character device)".to_owned())
        );
        let dir = tempfile::tempdir().expect("dir");
        assert_eq!(
            read_bounded(dir.path()),
            Err("not a regular file (a directory)".to_owned())
        );
        let link = dir.path().join("zero.pyc");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        assert_eq!(
            read_bounded(&link),
            Err("not a regular file (a character device)".to_owned())
        );
        let file = dir.path().join("ok");
        std::fs::write(&file, b"abc").expect("write");
        assert_eq!(read_bounded(&file), Ok(b"abc".to_vec()));
    }

    #[test]
    fn a_symlink_loop_is_called_one() {
        let dir = tempfile::tempdir().expect("dir");
        let link = dir.path().join("loop.py");
        std::os::unix::fs::symlink("loop.py", &link).expect("symlink");
        assert_eq!(
            read_bounded(&link),
            Err(
                "a symlink loop (a symbolic link that leads back to itself), not a file".to_owned()
            )
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().expect("dir");
        let big = dir.path().join("big.pyc");
        // A sparse file: its size says too big; nothing is read.
        let f = std::fs::File::create(&big).expect("create");
        f.set_len(MAX_INPUT_BYTES + 1).expect("set_len");
        assert_eq!(
            read_bounded(&big),
            Err("larger than 1024 MiB, the most flypy reads".to_owned())
        );
    }
}
