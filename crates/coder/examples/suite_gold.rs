//! Development tool: codes a PETRARCH suite from its gold parses with a PETRARCH config.
//! `cargo run --release -p coder --example suite_gold -- SUITE.jsonl INI [-v] [ID]`
use model::Stage;
fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 3 {
        eprintln!("usage: suite_gold SUITE.jsonl INI [-v] [ID]");
        return;
    }
    let t0 = std::time::Instant::now();
    let cfg = match coder::load_petrarch_config(std::path::Path::new(&a[2])) {
        Ok(c) => {
            eprintln!("loaded in {:.0} ms, {} warnings", t0.elapsed().as_secs_f64() * 1e3, c.warnings.len());
            for w in &c.warnings {
                eprintln!("warning: {w}");
            }
            c
        }
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let verbose = a.iter().any(|x| x == "-v");
    let surface = a.iter().any(|x| x == "--surface");
    let want_id = a.iter().skip(3).find(|x| !x.starts_with('-')).cloned();
    let text = std::fs::read_to_string(&a[1]).unwrap_or_default();
    let (mut n, mut ok) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(r) = coder::suite::Record::parse(line) else { continue };
        let mut d = coder::suite::doc_from_conllu(r.article(r.id.clone()), r.conllu.as_deref().unwrap_or(""));
        if surface {
            // drop the parse and tags: exercises the surface fallback
            for t in d.tokens.iter_mut() {
                t.head = -1;
                t.deprel.clear();
                t.upos.clear();
                t.xpos.clear();
                t.lemma.clear();
            }
        }
        cfg.actors.run(&mut d);
        if want_id.as_deref() == Some(r.id.as_str()) {
            for l in cfg.coder.explain(&mut d.clone()) {
                println!("{l}");
            }
        }
        cfg.coder.run(&mut d);
        let got = coder::suite::triples(&d);
        n += 1;
        if got == r.expected {
            ok += 1;
        } else if verbose {
            println!("MISS {} [{}]: {}\n  want {:?}\n  got  {:?}", r.id, r.category, r.text, r.expected, got);
        }
    }
    println!("records={n} exact={ok}");
}
