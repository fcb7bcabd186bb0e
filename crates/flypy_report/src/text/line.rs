/// A statement on one line, for headings (at most 60 characters).
pub fn one_line(stmt: &str) -> String {
    let flat = stmt.replace('\n', "; ");
    if flat.chars().count() > 60 {
        format!("{}…", flat.chars().take(59).collect::<String>())
    } else {
        flat
    }
}
