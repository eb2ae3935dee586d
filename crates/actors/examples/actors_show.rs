//! Prints the actor mentions found in a text: `actors_show [YYYY-MM-DD] [INI-less petrarch dir] < text`.
use actors::ActorDict;
use model::{Article, Date, Doc, Stage};
use std::io::Read;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let date = args.get(1).and_then(|s| Date::parse(s));
    let dict = if let Some(dir) = args.get(2) {
        let d = std::path::Path::new(dir);
        let files: Vec<_> = [
            "Phoenix.Countries.actors.txt",
            "Phoenix.International.actors.txt",
            "Phoenix.MilNonState.actors.txt",
        ]
        .iter()
        .map(|f| d.join(f))
        .filter(|p| p.exists())
        .collect();
        let t = std::time::Instant::now();
        let (dict, w) =
            ActorDict::from_petrarch_files(&files, Some(&d.join("Phoenix.agents.txt"))).unwrap();
        eprintln!("loaded in {:?}, {} warnings", t.elapsed(), w.len());
        dict
    } else {
        ActorDict::builtin().unwrap()
    };
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).unwrap();
    let mut doc = Doc::new(Article {
        text,
        published: date,
        ..Default::default()
    });
    dict.run(&mut doc);
    for (i, m) in doc.actors.iter().enumerate() {
        println!(
            "{i:3} {:<40} {:<12} {:<18} {:<30} ante={:?}",
            format!("{:?}", &doc.article.text[m.start..m.end]),
            m.code,
            m.name.clone().unwrap_or_default(),
            m.entry,
            m.antecedent
        );
    }
}
