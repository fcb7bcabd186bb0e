//! One decoded instruction, as `dis.get_instructions` would describe it: the structured
//! form behind both the text and the JSON output.

use flypy_marshal::Object;

/// Source positions of an instruction (3.11+ location table; earlier versions have lines only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Positions {
    pub lineno: Option<u32>,
    pub end_lineno: Option<u32>,
    pub col_offset: Option<u32>,
    pub end_col_offset: Option<u32>,
}

/// The resolved argument, as `dis` computes `argval`.
#[derive(Clone, Debug)]
pub enum ArgVal {
    /// No argument, or one `dis` leaves as `None`.
    None,
    /// A plain number (counts, flags, raw opargs).
    Int(i64),
    /// A constant from `co_consts`.
    Const(Object),
    /// A name: global, attribute, local, cell or free variable.
    Name(String),
    /// A jump target offset in bytes.
    Jump(u32),
    /// Anything else `dis` shows as text (compare operators, intrinsic names, …).
    Text(String),
}

#[derive(Clone, Debug)]
pub struct Instruction {
    /// Byte offset in `co_code`.
    pub offset: u32,
    pub opcode: u8,
    pub opname: &'static str,
    /// The full oparg (EXTENDED_ARG prefixes folded in), `None` when the op takes none.
    pub arg: Option<u32>,
    pub argval: ArgVal,
    /// What `dis` prints in parentheses; empty when nothing.
    pub argrepr: String,
    /// The source line this instruction starts, when it is the first of a line.
    pub starts_line: Option<u32>,
    /// The line it belongs to (3.11+ may have none).
    pub line: Option<u32>,
    pub positions: Positions,
    pub is_jump_target: bool,
    /// For jumps, the target offset.
    pub jump_target: Option<u32>,
    /// 3.13+ label number (`L1`…) when this is a jump target.
    pub label: Option<u32>,
    /// 3.11+ inline cache entries after this instruction: (name, size in code units, raw bytes).
    pub cache_info: Vec<(&'static str, u16, Vec<u8>)>,
}

/// An instruction with only what control flow needs (tests of the CFG and of flow).
#[cfg(test)]
pub(crate) fn bare(offset: u32, opname: &'static str, jump_target: Option<u32>) -> Instruction {
    Instruction {
        offset,
        opcode: 0,
        opname,
        arg: None,
        argval: ArgVal::None,
        argrepr: String::new(),
        starts_line: None,
        line: None,
        positions: Positions::default(),
        is_jump_target: false,
        jump_target,
        label: None,
        cache_info: Vec::new(),
    }
}
