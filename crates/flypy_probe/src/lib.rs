//! Interpreter discovery and child-process work.
