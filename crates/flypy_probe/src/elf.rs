//! Whether an interpreter's machine code carries symbols, which callgrind needs to name the C
//! functions instructions go to.
//!
//! Only 64-bit little-endian ELF is read (the section header table and section names, per
//! the System V ABI). A file has symbols when it has a non-empty `.symtab` (or DWARF
//! `.debug_info`) section, or when its GNU build ID names a separate debug file under
//! `/usr/lib/debug/.build-id/` (how Debian's `-dbg` packages ship them).

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElfError {
    #[error("not an ELF file")]
    NotElf,
    #[error("not 64-bit little-endian ELF")]
    Unsupported,
    #[error("section header table out of bounds")]
    BadSections,
}

/// What the section headers say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfSymbols {
    /// A non-empty `.symtab` or `.debug_info`.
    pub in_file: bool,
    /// The GNU build ID, lowercase hex.
    pub build_id: Option<String>,
}

const SHT_NOTE: u32 = 7;
const NT_GNU_BUILD_ID: u32 = 3;

fn field<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    field(b, at).map(u16::from_le_bytes)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    field(b, at).map(u32::from_le_bytes)
}

fn u64_at(b: &[u8], at: usize) -> Option<usize> {
    usize::try_from(u64::from_le_bytes(field(b, at)?)).ok()
}

/// One section header's fields that matter here.
struct Section {
    name: u32,
    kind: u32,
    offset: usize,
    size: usize,
}

/// Reads the section headers of `bytes` (a whole ELF file).
pub fn symbols_in(bytes: &[u8]) -> Result<ElfSymbols, ElfError> {
    if bytes.get(..4) != Some(b"\x7fELF".as_slice()) {
        return Err(ElfError::NotElf);
    }
    // EI_CLASS 2 = 64-bit, EI_DATA 1 = little-endian.
    if bytes.get(4..6) != Some([2u8, 1].as_slice()) {
        return Err(ElfError::Unsupported);
    }
    let bad = || ElfError::BadSections;
    let shoff = u64_at(bytes, 0x28).ok_or_else(bad)?;
    let shentsize = usize::from(u16_at(bytes, 0x3A).ok_or_else(bad)?);
    let shnum = usize::from(u16_at(bytes, 0x3C).ok_or_else(bad)?);
    let shstrndx = usize::from(u16_at(bytes, 0x3E).ok_or_else(bad)?);
    if shnum > 0 && shentsize < 0x28 {
        return Err(bad());
    }
    let mut sections = Vec::with_capacity(shnum.min(bytes.len() / 64));
    for i in 0..shnum {
        let at = shentsize
            .checked_mul(i)
            .and_then(|o| o.checked_add(shoff))
            .ok_or_else(bad)?;
        sections.push(Section {
            name: u32_at(bytes, at).ok_or_else(bad)?,
            kind: u32_at(bytes, at.saturating_add(4)).ok_or_else(bad)?,
            offset: u64_at(bytes, at.saturating_add(0x18)).ok_or_else(bad)?,
            size: u64_at(bytes, at.saturating_add(0x20)).ok_or_else(bad)?,
        });
    }
    let data = |s: &Section| bytes.get(s.offset..s.offset.checked_add(s.size)?);
    let names = sections.get(shstrndx).and_then(data).unwrap_or_default();
    let name_of = |s: &Section| {
        let rest = names.get(s.name as usize..).unwrap_or_default();
        let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
        rest.get(..end).unwrap_or_default()
    };
    let in_file = sections
        .iter()
        .any(|s| s.size > 0 && matches!(name_of(s), b".symtab" | b".debug_info"));
    let build_id = sections
        .iter()
        .filter(|s| s.kind == SHT_NOTE)
        .filter_map(data)
        .find_map(gnu_build_id);
    Ok(ElfSymbols { in_file, build_id })
}

/// The GNU build ID in a note section, as hex.
fn gnu_build_id(notes: &[u8]) -> Option<String> {
    let mut at = 0usize;
    while at + 12 <= notes.len() {
        let namesz = u32_at(notes, at)? as usize;
        let descsz = u32_at(notes, at + 4)? as usize;
        let kind = u32_at(notes, at + 8)?;
        let name_at = at + 12;
        let name = notes.get(name_at..name_at.checked_add(namesz)?)?;
        let desc_at = name_at.checked_add(namesz.checked_add(3)? & !3)?;
        let next = desc_at.checked_add(descsz.checked_add(3)? & !3)?;
        if kind == NT_GNU_BUILD_ID && name == b"GNU\0" {
            let desc = notes.get(desc_at..desc_at.checked_add(descsz)?)?;
            return Some(desc.iter().map(|b| format!("{b:02x}")).collect());
        }
        at = next;
    }
    None
}

/// Where a distribution's debug package puts the symbols of the file with this build ID.
pub fn debug_file_for(build_id: &str) -> Option<PathBuf> {
    let (dir, rest) = (build_id.get(..2)?, build_id.get(2..)?);
    Some(
        Path::new("/usr/lib/debug/.build-id")
            .join(dir)
            .join(format!("{rest}.debug")),
    )
}

/// Whether callgrind can name the functions in the file at `path`: symbols in the file, or
/// a separate debug file for its build ID.
pub fn has_symbols(path: &Path) -> Result<bool, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let found = symbols_in(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(found.in_file
        || found
            .build_id
            .as_deref()
            .and_then(debug_file_for)
            .is_some_and(|p| p.is_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 LE file with the named sections (plus the null section and
    /// `.shstrtab`); `contents` are the sections' bytes.
    fn elf(sections: &[(&str, u32, &[u8])]) -> Vec<u8> {
        let mut names = vec![0u8];
        let mut name_offsets = Vec::new();
        for (name, _, _) in sections.iter().copied().chain([(".shstrtab", 3, &[][..])]) {
            name_offsets.push(names.len() as u32);
            names.extend_from_slice(name.as_bytes());
            names.push(0);
        }
        let mut out = vec![0u8; 64];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 2;
        out[5] = 1;
        let mut placed = Vec::new();
        for (_, _, data) in sections {
            placed.push((out.len(), data.len()));
            out.extend_from_slice(data);
        }
        let names_at = out.len();
        out.extend_from_slice(&names);
        let shoff = out.len();
        let mut header = |name: u32, kind: u32, offset: usize, size: usize| {
            let mut h = [0u8; 64];
            h[..4].copy_from_slice(&name.to_le_bytes());
            h[4..8].copy_from_slice(&kind.to_le_bytes());
            h[0x18..0x20].copy_from_slice(&(offset as u64).to_le_bytes());
            h[0x20..0x28].copy_from_slice(&(size as u64).to_le_bytes());
            out.extend_from_slice(&h);
        };
        header(0, 0, 0, 0);
        for (i, (_, kind, _)) in sections.iter().enumerate() {
            header(name_offsets[i], *kind, placed[i].0, placed[i].1);
        }
        header(name_offsets[sections.len()], 3, names_at, names.len());
        let shnum = sections.len() as u16 + 2;
        out[0x28..0x30].copy_from_slice(&(shoff as u64).to_le_bytes());
        out[0x3A..0x3C].copy_from_slice(&64u16.to_le_bytes());
        out[0x3C..0x3E].copy_from_slice(&shnum.to_le_bytes());
        out[0x3E..0x40].copy_from_slice(&(shnum - 1).to_le_bytes());
        out
    }

    fn build_id_note(id: &[u8]) -> Vec<u8> {
        let mut n = Vec::new();
        n.extend_from_slice(&4u32.to_le_bytes());
        n.extend_from_slice(&(id.len() as u32).to_le_bytes());
        n.extend_from_slice(&NT_GNU_BUILD_ID.to_le_bytes());
        n.extend_from_slice(b"GNU\0");
        n.extend_from_slice(id);
        n
    }

    #[test]
    fn symtab_and_debug_info_count_empty_ones_do_not() {
        let with = elf(&[(".text", 1, b"\x90"), (".symtab", 2, &[0; 24])]);
        assert!(symbols_in(&with).expect("elf").in_file);
        let dwarf = elf(&[(".debug_info", 1, b"x")]);
        assert!(symbols_in(&dwarf).expect("elf").in_file);
        let stripped = elf(&[(".text", 1, b"\x90"), (".symtab", 2, &[])]);
        assert!(!symbols_in(&stripped).expect("elf").in_file);
        assert!(
            !symbols_in(&elf(&[(".dynsym", 11, &[0; 24])]))
                .expect("elf")
                .in_file
        );
    }

    #[test]
    fn build_id_is_read_from_its_note() {
        let note = build_id_note(&[0xab, 0xcd, 0x01, 0x23]);
        let found = symbols_in(&elf(&[(".note.gnu.build-id", SHT_NOTE, &note)])).expect("elf");
        assert_eq!(found.build_id.as_deref(), Some("abcd0123"));
        assert_eq!(
            debug_file_for("abcd0123"),
            Some(PathBuf::from("/usr/lib/debug/.build-id/ab/cd0123.debug"))
        );
    }

    #[test]
    fn bad_files_are_errors_not_panics() {
        assert_eq!(symbols_in(b"#!/bin/sh\n"), Err(ElfError::NotElf));
        assert_eq!(symbols_in(b"\x7fELF\x01\x01"), Err(ElfError::Unsupported));
        let good = elf(&[(".symtab", 2, &[0; 24])]);
        for cut in 0..good.len() {
            let _ = symbols_in(&good[..cut]);
        }
        let mut huge = good.clone();
        huge[0x28..0x30].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(symbols_in(&huge), Err(ElfError::BadSections));
        // Single-byte corruptions of a valid file, pseudo-randomly.
        let mut rng = flypy_testkit::Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..5000 {
            let mut bad = good.clone();
            let at = rng.index(bad.len());
            bad[at] = rng.next_u64() as u8;
            let _ = symbols_in(&bad);
        }
    }
}
