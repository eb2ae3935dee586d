//! Development tool: times reading a PETRARCH verb dictionary.
fn main() {
    let p = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&p).unwrap_or_default();
    for _ in 0..5 {
        let t = std::time::Instant::now();
        let (c, w) = coder::Coder::from_petrarch_text("verbs", &text);
        println!("{:.1} ms, {} patterns, {} warnings", t.elapsed().as_secs_f64() * 1e3, c.dict().n_patterns, w.len());
    }
}
