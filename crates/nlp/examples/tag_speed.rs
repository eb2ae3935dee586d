//! Times tagging + lemmatization alone, the way `dateline bench nlp` does (one thread, one
//! `TagScratch` for the whole corpus), and prints a fingerprint of the output so that a
//! change to the tagger can be checked for changed tags/lemmas:
//! `cargo run --release -p nlp --example tag_speed -- [corpus folder] [passes]`.
//! Besides wall time it reports the process CPU time of the tagging loop (less noisy on a
//! busy machine).
use model::{Article, Doc};
use std::time::Instant;

fn cpu_secs() -> f64 {
    // utime + stime of this process, in clock ticks (fields 14 and 15 of /proc/self/stat)
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = s.rsplit_once(')').map_or("", |x| x.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let t = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (t(11) + t(12)) / 100.0
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "txt") {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).map_or("../shared/data/corpora/bbc", |s| s.as_str());
    let passes: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut files = Vec::new();
    collect(std::path::Path::new(dir), &mut files);
    files.sort();
    let texts: Vec<String> = files.iter().map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned()).collect();
    // the models `Nlp` uses for tagging, loaded alone (so that a parser or NER model being
    // retrained does not matter here)
    let sbd = nlp::tok_sbd::Sbd::load_default().unwrap();
    let tagger = nlp::tagger::Tagger::load_default().unwrap();
    let mut lem = nlp::lemma::Lemmatizer::load_default().unwrap();
    lem.set_vocab(tagger.clusters().clone());
    let mut docs: Vec<Doc> = texts
        .iter()
        .map(|t| {
            let mut d = Doc::new(Article { text: t.clone(), ..Default::default() });
            let toks = nlp::tokenize::tokens(t);
            for &(a, b) in &sbd.split(t, &toks) {
                d.sentences.push(model::Sentence { start: toks[a].start, end: toks[b - 1].end, token_start: a, token_end: b });
            }
            d.tokens = toks.iter().map(|k| model::Token { start: k.start, end: k.end, head: -1, ..Default::default() }).collect();
            d
        })
        .collect();
    // what `Nlp::tag_sentence` does, with one cache for the whole corpus as in `bench nlp`
    let mut infos = Vec::new();
    let mut tags = Vec::new();
    let mut scratch = Default::default();
    let mut lemmas: std::collections::HashMap<(u64, usize), model::CompactString> = Default::default();
    let (mut secs, mut cpu, mut n) = (0f64, 0f64, 0usize);
    for _ in 0..passes.max(1) {
        let (t0, c0) = (Instant::now(), cpu_secs());
        for d in docs.iter_mut() {
            let text = &d.article.text;
            for s in &d.sentences {
                let toks = &mut d.tokens[s.token_start..s.token_end];
                infos.clear();
                infos.extend(toks.iter().map(|t| nlp::tagger::WordInfo::new(&text[t.start..t.end], tagger.clusters())));
                tagger.tag_infos(&infos, &mut tags);
                for ((t, &tag), info) in toks.iter_mut().zip(&tags).zip(&infos) {
                    let (u, x) = tagger.tag_name(tag);
                    let form = &text[t.start..t.end];
                    t.lemma = match lemmas.get(&(info.form, tag)) {
                        Some(l) => l.clone(),
                        None => {
                            let l = model::CompactString::from(lem.lemma(form, u, x, &mut scratch));
                            lemmas.insert((info.form, tag), l.clone());
                            l
                        }
                    };
                    t.upos = u.into();
                    t.xpos = x.into();
                }
            }
            n += d.tokens.len();
        }
        secs += t0.elapsed().as_secs_f64();
        cpu += cpu_secs() - c0;
    }
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for d in &docs {
        for t in &d.tokens {
            for b in t.upos.bytes().chain([0]).chain(t.xpos.bytes()).chain([0]).chain(t.lemma.bytes()).chain([1]) {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    if let Ok(path) = std::env::var("TAG_DUMP") {
        // one line per token: form, UPOS, XPOS, lemma (to diff two builds)
        let mut out = String::new();
        for d in &docs {
            for t in &d.tokens {
                out += &format!("{}\t{}\t{}\t{}\n", &d.article.text[t.start..t.end], t.upos, t.xpos, t.lemma);
            }
        }
        std::fs::write(path, out).unwrap();
    }
    println!("tag+lemma {:.0} tokens/s wall, {:.0} tokens/s cpu ({n} tokens, {secs:.2} s wall, {cpu:.2} s cpu); output fingerprint {h:016x}", n as f64 / secs, n as f64 / cpu.max(1e-9));
}
