//! What the HTML page needs that the trace document did not carry: the program's source, each
//! instruction's source positions (columns too, 3.11+) and jump target, and each code object's
//! basic blocks and edges with their counts. Added to the JSON document itself (additive
//! fields, `docs/json.md`), so the page draws only what the JSON says.

use flypy_bytecode::cfg_graph;
use flypy_bytecode::dis::instructions;
use flypy_marshal::{Code, PyVersion};
use serde_json::{json, Value};

use crate::ReportError;

/// Adds `source`, and per code object `blocks` and `edges`, and per instruction `positions`
/// and `jump_target`, to a `flypy.trace/1` document made from `module` (its `code` list is
/// `module`'s code objects in pre-order).
pub fn trace(
    doc: &mut Value,
    module: &Code,
    version: PyVersion,
    source: &str,
) -> Result<(), ReportError> {
    if let Some(map) = doc.as_object_mut() {
        map.insert("source".into(), Value::String(source.to_owned()));
    }
    let Some(listed) = doc.get_mut("code").and_then(Value::as_array_mut) else {
        return Ok(());
    };
    for (code, entry) in module.preorder().into_iter().zip(listed.iter_mut()) {
        let instrs = instructions(code, version)?;
        let table =
            flypy_bytecode::exception_table::parse(&code.exceptiontable).unwrap_or_default();
        let Some(rows) = entry.get_mut("instructions").and_then(Value::as_array_mut) else {
            continue;
        };
        // The document's rows are this disassembly's; a mismatch would draw the wrong graph.
        let same = rows.len() == instrs.len()
            && rows
                .iter()
                .zip(&instrs)
                .all(|(r, i)| r.get("offset").and_then(Value::as_u64) == Some(u64::from(i.offset)));
        if !same {
            return Err(ReportError::Graph(format!(
                "the listing of code object at line {} is not flypy's disassembly",
                code.firstlineno
            )));
        }
        let counts: Vec<Option<u64>> = rows
            .iter()
            .map(|r| r.get("count").and_then(Value::as_u64))
            .collect();
        for (row, ins) in rows.iter_mut().zip(&instrs) {
            if let Some(r) = row.as_object_mut() {
                r.insert("positions".into(), json!(ins.positions));
                r.insert("jump_target".into(), json!(ins.jump_target));
            }
        }
        // A graph flypy cannot make is said in the document, not an error of the trace.
        let graph = cfg_graph::graph(&instrs, &table, version, &counts);
        if let Some(e) = entry.as_object_mut() {
            match graph {
                Ok(g) => {
                    e.insert("blocks".into(), json!(g.blocks));
                    e.insert("edges".into(), json!(g.edges));
                }
                Err(why) => {
                    e.insert("graph_error".into(), json!(why.to_string()));
                }
            }
        }
    }
    Ok(())
}
