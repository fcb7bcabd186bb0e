//! Instruction-stream decoding: 2.7 variable-length code, 3.6+ wordcode, EXTENDED_ARG, 3.11+ inline caches.
