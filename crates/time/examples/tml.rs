//! Development helper: scores the tagger (without the NLP stage) on a TimeML folder and
//! prints disagreements. `cargo run --release -p timex --example tml -- DIR [N_ERRORS]`.
//! The supported command is `dateline eval timex DIR`.
use model::{Article, Doc, Stage};
use timex::timeml::{self, Counts};

fn walk(d: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let mut v: Vec<_> = std::fs::read_dir(d).map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    v.sort();
    for p in v {
        if p.is_dir() {
            walk(&p, out)
        } else if p.extension().is_some_and(|e| e == "tml") {
            out.push(p)
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).map(String::as_str).unwrap_or("../shared/data/tempeval3/Training/TBAQ-cleaned"));
    let n_err: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut paths = Vec::new();
    walk(&dir, &mut paths);
    let tagger = timex::TimeTagger::default();
    let mut all = Counts::default();
    let mut shown = 0;
    for p in &paths {
        let tml = timeml::parse(&std::fs::read_to_string(p).unwrap()).unwrap();
        let mut doc = Doc::new(Article { text: tml.text.clone(), published: tml.dct, ..Default::default() });
        tagger.run(&mut doc);
        let text = &doc.article.text;
        let c = timeml::score(text, &tml.timexes, &doc.times, |g, s| {
            if shown < n_err {
                shown += 1;
                let gs = g.map(|g| format!("{:?} {} {}", &text[g.start..g.end], g.kind, g.value)).unwrap_or_else(|| "-".into());
                let ss = s.map(|s| format!("{:?} {:?} {}", &text[s.start..s.end], s.kind, s.value)).unwrap_or_else(|| "-".into());
                let at = g.map(|g| g.start).or(s.map(|s| s.start)).unwrap_or(0);
                let lo = (at.saturating_sub(60)..=at).find(|&k| text.is_char_boundary(k)).unwrap();
                let hi = ((at + 60).min(text.len())..=text.len()).find(|&k| text.is_char_boundary(k)).unwrap();
                println!("G {gs}\nS {ss}\nC {:?} [{}]\n", &text[lo..hi].replace('\n', " "), tml.dct.map(|d| d.to_string()).unwrap_or_default());
            }
        });
        all.add(&c);
    }
    let (sp, sr, sf) = all.strict_prf();
    let (rp, rr, rf) = all.relaxed_prf();
    println!("gold {} sys {} strict {sp:.1}/{sr:.1}/{sf:.1} relaxed {rp:.1}/{rr:.1}/{rf:.1} value_f1 {:.1} (acc {:.1}) type_f1 {:.1}", all.gold, all.sys, all.value_f1(), all.value_accuracy(), all.type_f1());
}
