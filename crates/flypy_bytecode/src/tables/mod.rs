//! Generated opcode tables, one module per distinct table (see crates/flypy_dev).
