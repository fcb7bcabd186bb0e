//! Layered graph layout (Sugiyama), flypy's own:
//! 1. reverse the back edges a depth-first search from the entry finds;
//! 2. layer by longest path from the sources;
//! 3. break edges that span layers with dummy nodes, then reduce crossings with a few
//!    barycentre sweeps, down and up;
//! 4. assign coordinates: layers top to bottom, each layer's nodes centred left to right.

/// Where everything goes: node centres, and each edge's polyline (from its source to its
/// target, through its dummies, in the edge's own direction).
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub nodes: Vec<(f64, f64)>,
    pub edges: Vec<Vec<(f64, f64)>>,
    /// Whether each edge was a back edge (drawn against the layering).
    pub back: Vec<bool>,
    pub width: f64,
    pub height: f64,
}

/// Spacing of the drawing.
#[derive(Debug, Clone, Copy)]
pub struct Spacing {
    pub node_w: f64,
    pub node_h: f64,
    pub gap_x: f64,
    pub gap_y: f64,
}

const SWEEPS: usize = 4;

/// Lays out `n` nodes (0 is the entry) and `edges` between them.
pub fn layout(n: usize, edges: &[(usize, usize)], sp: Spacing) -> Layout {
    let back = back_edges(n, edges);
    // The acyclic graph: back edges reversed, self loops left out of the layering.
    let dag: Vec<(usize, usize)> = edges
        .iter()
        .zip(&back)
        .filter(|((a, b), _)| a != b)
        .map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) })
        .collect();
    let layer = longest_path(n, &dag);
    // Dummies: every DAG edge spanning k > 1 layers becomes a chain through k - 1 dummies.
    let mut layer_of = layer.clone();
    let mut chains: Vec<Vec<usize>> = Vec::new();
    for &(a, b) in &dag {
        let mut chain = vec![a];
        for l in layer[a] + 1..layer[b] {
            layer_of.push(l);
            chain.push(layer_of.len() - 1);
        }
        chain.push(b);
        chains.push(chain);
    }
    let total = layer_of.len();
    let depth = layer_of.iter().max().map_or(0, |m| m + 1);
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (v, &l) in layer_of.iter().enumerate() {
        order[l].push(v);
    }
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); total];
    for chain in &chains {
        for w in chain.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }
    let mut pos = vec![0.0_f64; total];
    let place = |order: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for row in order {
            for (i, &v) in row.iter().enumerate() {
                pos[v] = i as f64;
            }
        }
    };
    place(&order, &mut pos);
    for sweep in 0..SWEEPS {
        let downward = sweep % 2 == 0;
        let layers: Vec<usize> = if downward {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for l in layers {
            let nbrs = if downward { &up } else { &down };
            let mut keyed: Vec<(f64, usize)> = order[l]
                .iter()
                .map(|&v| {
                    let ns = &nbrs[v];
                    let bary = if ns.is_empty() {
                        pos[v]
                    } else {
                        ns.iter().map(|&u| pos[u]).sum::<f64>() / ns.len() as f64
                    };
                    (bary, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            order[l] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in order[l].iter().enumerate() {
                pos[v] = i as f64;
            }
        }
    }
    // Coordinates: a dummy takes a narrow slot, a block a full one; each layer centred.
    let slot = |v: usize| if v < n { sp.node_w + sp.gap_x } else { 24.0 };
    let widths: Vec<f64> = order
        .iter()
        .map(|row| row.iter().map(|&v| slot(v)).sum())
        .collect();
    let width = widths.iter().copied().fold(0.0_f64, f64::max);
    let mut xy = vec![(0.0, 0.0); total];
    for (l, row) in order.iter().enumerate() {
        let mut x = (width - widths[l]) / 2.0;
        let y = sp.gap_y / 2.0 + sp.node_h / 2.0 + l as f64 * (sp.node_h + sp.gap_y);
        for &v in row {
            xy[v] = (x + slot(v) / 2.0, y);
            x += slot(v);
        }
    }
    let mut polylines = Vec::with_capacity(edges.len());
    let mut k = 0;
    for (&(a, b), &r) in edges.iter().zip(&back) {
        if a == b {
            let (x, y) = xy[a];
            let right = x + sp.node_w / 2.0;
            polylines.push(vec![
                (right, y - 6.0),
                (right + 22.0, y - 6.0),
                (right + 22.0, y + 6.0),
                (right, y + 6.0),
            ]);
            continue;
        }
        let chain = chains.get(k).cloned().unwrap_or_default();
        k += 1;
        let mut pts: Vec<(f64, f64)> = chain.iter().map(|&v| xy[v]).collect();
        if r {
            pts.reverse();
        }
        polylines.push(pts);
    }
    let height = depth as f64 * (sp.node_h + sp.gap_y);
    Layout {
        nodes: xy[..n].to_vec(),
        edges: polylines,
        back,
        width: width.max(sp.node_w + sp.gap_x),
        height,
    }
}

/// Which edges close a cycle: those to a node still on the depth-first search's stack, from
/// the entry and then from any node not reached (iterative, for deep graphs).
fn back_edges(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (k, &(a, b)) in edges.iter().enumerate() {
        if a < n && b < n {
            out[a].push((b, k));
        }
    }
    let mut back = vec![false; edges.len()];
    // 0 unseen, 1 on the stack, 2 done.
    let mut state = vec![0u8; n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            if let Some(&(w, k)) = out[v].get(i) {
                top.1 += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => back[k] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Each node's layer: the longest path to it from a source of the DAG.
fn longest_path(n: usize, dag: &[(usize, usize)]) -> Vec<usize> {
    let mut indeg = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in dag {
        if a < n && b < n {
            indeg[b] += 1;
            out[a].push(b);
        }
    }
    let sources: Vec<usize> = (1..n).filter(|&v| indeg[v] == 0).collect();
    let mut layer = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    while let Some(v) = ready.pop() {
        for &w in &out[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indeg[w] -= 1;
            if indeg[w] == 0 {
                ready.push(w);
            }
        }
    }
    // A block nothing enters (an END_FOR the interpreter jumps past) sits just above the
    // first of its successors, not in the entry's layer where its edges would cross the graph.
    for v in sources {
        if let Some(below) = out[v].iter().map(|&w| layer[w]).min() {
            layer[v] = below.saturating_sub(1).max(layer[v]);
        }
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::*;

    const SP: Spacing = Spacing {
        node_w: 100.0,
        node_h: 30.0,
        gap_x: 20.0,
        gap_y: 40.0,
    };

    #[test]
    fn a_loop_is_layered_with_its_back_edge_reversed() {
        // 0 -> 1 -> 2 -> 1 (loop), 1 -> 3 (exit)
        let edges = [(0, 1), (1, 2), (2, 1), (1, 3)];
        let l = layout(4, &edges, SP);
        assert_eq!(l.back, vec![false, false, true, false]);
        assert!(l.nodes[0].1 < l.nodes[1].1);
        assert!(l.nodes[1].1 < l.nodes[2].1);
        // Every polyline starts at its source and ends at its target.
        for (k, &(a, b)) in edges.iter().enumerate() {
            assert_eq!(l.edges[k].first(), Some(&l.nodes[a]));
            assert_eq!(l.edges[k].last(), Some(&l.nodes[b]));
        }
    }

    #[test]
    fn a_block_nothing_enters_sits_above_its_successor() {
        // 0 -> 1 -> 2 -> 3, and 4 (entered by nothing) -> 3.
        let l = layout(5, &[(0, 1), (1, 2), (2, 3), (4, 3)], SP);
        assert_eq!(l.nodes[4].1, l.nodes[2].1);
    }

    #[test]
    fn long_edges_go_through_dummies() {
        let edges = [(0, 1), (1, 2), (0, 2)];
        let l = layout(3, &edges, SP);
        assert_eq!(l.edges[2].len(), 3);
    }
}
