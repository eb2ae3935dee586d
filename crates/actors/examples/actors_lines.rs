//! Codes each input line `YYYYMMDD<TAB>text` and prints the mention codes, tab-separated:
//! `actors_lines ACTOR_FILE[,ACTOR_FILE...] AGENT_FILE < lines` (PETRARCH dictionaries).
use actors::ActorDict;
use model::{Article, Date, Doc, Stage};
use std::io::BufRead;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let actors: Vec<std::path::PathBuf> = args[1].split(',').map(Into::into).collect();
    let (dict, warnings) =
        ActorDict::from_petrarch_files(&actors, Some(std::path::Path::new(&args[2]))).unwrap();
    for w in warnings {
        eprintln!("warning: {w}");
    }
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let (d, text) = line.split_once('\t').unwrap_or(("", &line));
        let mut doc = Doc::new(Article {
            text: text.to_string(),
            published: Date::parse(d),
            ..Default::default()
        });
        dict.run(&mut doc);
        let codes: Vec<String> = doc
            .actors
            .iter()
            .map(|m| format!("{}={}", &doc.article.text[m.start..m.end], m.code))
            .collect();
        println!("{}", codes.join("\t"));
    }
}
