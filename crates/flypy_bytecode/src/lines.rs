//! Line tables: 2.7–3.9 `co_lnotab`, 3.10 `co_linetable`, 3.11+ location tables with columns.
