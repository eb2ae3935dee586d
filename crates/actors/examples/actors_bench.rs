//! Times the actors stage: `actors_bench DIR [PETRARCH_DICT_DIR]` codes every file of DIR as one
//! article (fallback tokenizer) and prints load time, sentences/s and mentions found.
use actors::ActorDict;
use model::{Article, Doc, Stage};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let t = Instant::now();
    let dict = match args.get(2) {
        Some(dir) => {
            let d = std::path::Path::new(dir);
            let files: Vec<_> = [
                "Phoenix.Countries.actors.txt",
                "Phoenix.International.actors.txt",
                "Phoenix.MilNonState.actors.txt",
            ]
            .iter()
            .map(|f| d.join(f))
            .collect();
            ActorDict::from_petrarch_files(&files, Some(&d.join("Phoenix.agents.txt")))
                .unwrap()
                .0
        }
        None => ActorDict::builtin().unwrap(),
    };
    eprintln!(
        "load: {:?} ({} actor phrases, {} agent phrases)",
        t.elapsed(),
        dict.actor_phrase_count(),
        dict.agent_phrase_count()
    );
    let mut docs = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(&args[1])];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(&p)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            v.sort();
            stack.extend(v);
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            let mut doc = Doc::new(Article {
                text,
                ..Default::default()
            });
            actors::words::simple_tokenize(&mut doc);
            docs.push(doc);
        }
    }
    let sentences: usize = docs.iter().map(|d| d.sentences.len()).sum();
    let t = Instant::now();
    let mut mentions = 0;
    for d in docs.iter_mut() {
        dict.run(d);
        mentions += d.actors.len();
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "docs={} sentences={} mentions={} seconds={:.3} sentences_per_s={:.0}",
        docs.len(),
        sentences,
        mentions,
        s,
        sentences as f64 / s
    );
}
