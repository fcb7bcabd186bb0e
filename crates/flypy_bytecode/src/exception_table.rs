//! 3.11+ exception tables (`co_exceptiontable`).
