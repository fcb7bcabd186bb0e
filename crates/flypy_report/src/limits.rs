//! What a page draws at most, so a big program still gives a file a browser opens quickly
//! (`bench/html_load`): past each limit the page says what it left out.

/// Control-flow graphs are drawn for this many code objects, the most executed first.
pub const MAX_GRAPHS: usize = 12;
/// A code object with more basic blocks than this gets no graph (the layout would be a wall).
pub const MAX_GRAPH_BLOCKS: usize = 250;
/// Instructions listed in all, code objects in pre-order; the rest are counted in a note.
pub const MAX_LISTED_INSTRUCTIONS: usize = 6000;
/// Source lines shown beside the listing.
pub const MAX_SOURCE_LINES: usize = 12000;
/// Bars in a chart of opnames or C functions.
pub const MAX_BARS: usize = 16;
