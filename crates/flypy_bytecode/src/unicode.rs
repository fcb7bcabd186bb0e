//! Which code points each version's `repr` prints as they are (generated data).
