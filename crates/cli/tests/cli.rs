//! End-to-end tests of the `dateline` binary: the README's example, bad input handling,
//! determinism across thread counts. Each test works in its own temporary directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dateline"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> Option<PathBuf> {
    let p = repo().join("../shared");
    if p.join("samples").is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: ../shared is not present");
        None
    }
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dateline-cli-{}-{}", name, std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run dateline")
}

fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(out.to_vec())
        .expect("stdout is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

#[test]
fn the_readme_example_codes_events_in_the_contract() {
    let ex = repo().join("examples/ankara-talks.md");
    let out = run(&["code", ex.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let events = json_lines(&out.stdout);
    assert!(!events.is_empty(), "the example article reports events");
    for e in &events {
        for key in ["article", "url", "published", "sentence", "evidence", "source", "target", "code", "root", "quad_class", "goldstein", "date", "rule"] {
            assert!(e.get(key).is_some(), "event lacks {key}: {e}");
        }
        assert_eq!(e["published"], "2023-03-14");
        assert_eq!(e["url"], "https://example.org/2023/03/14/turkey-iran-border-talks");
    }
    // Turkey's and Iran's foreign ministers met: a consult (04) between the two governments.
    assert!(
        events.iter().any(|e| e["root"] == "04"
            && e["source"]["code"].as_str().is_some_and(|c| c.starts_with("TUR") || c.starts_with("IRN"))
            && e["target"]["code"].as_str().is_some_and(|c| c.starts_with("TUR") || c.starts_with("IRN"))),
        "no Turkey–Iran consultation among {events:#?}"
    );
}

#[test]
fn the_sample_article_reports_the_syria_russia_meeting() {
    let Some(shared) = shared() else { return };
    let sample = shared.join("samples/moscowtimes-2020-09-07-lavrov-assad.md");
    let out = run(&["code", sample.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let events = json_lines(&out.stdout);
    let meeting = events.iter().find(|e| {
        e["root"] == "04" && e["source"]["code"] == "SYRGOV" && e["target"]["code"] == "RUSGOV"
    });
    let meeting = meeting.unwrap_or_else(|| panic!("no SYRGOV -> RUSGOV 04 event among {events:#?}"));
    assert_eq!(meeting["date"], "2020-09-07");
    let evidence = meeting["evidence"]["text"].as_str().unwrap();
    assert!(evidence.contains("discussed economic cooperation"), "evidence: {evidence}");
}

#[test]
fn bad_inputs_are_reported_by_name_and_the_rest_is_still_coded() {
    let dir = tempdir("bad");
    let good = dir.join("good.txt");
    fs::write(&good, "Talks in Paris\n\nFrance's President met Germany's Chancellor in Paris on Monday.\n").unwrap();
    let nested = dir.join("folder");
    fs::create_dir_all(&nested).unwrap();
    fs::write(nested.join("noise.bin"), [0u8, 159, 146, 150, 0, 1, 2, 255, 254]).unwrap();
    fs::write(nested.join("latin1.txt"), b"Caf\xe9 talks\n\nThe minister \xe9 met.\n").unwrap();
    fs::write(nested.join("empty.txt"), b"").unwrap();
    let jsonl = dir.join("batch.jsonl");
    fs::write(
        &jsonl,
        concat!(
            r#"{"id": "a1", "text": "Russia's Foreign Minister met Syria's President in Damascus.", "date": "2020-09-07"}"#, "\n",
            r#"{"id": "a2", "text": "#, "\n",
            r#"{"id": "a3", "text": "Egypt's President visited Sudan on Tuesday.", "date": "20210302", "extra": 1}"#, "\n",
        ),
    )
    .unwrap();
    let missing = dir.join("does-not-exist.md");
    let out = run(&["code", missing.to_str().unwrap(), good.to_str().unwrap(), nested.to_str().unwrap(), jsonl.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "failures give exit code 1; stderr: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    let names = |needle: &str| errors.iter().any(|l| l.contains(needle));
    assert!(names("does-not-exist.md"), "missing file named: {stderr}");
    assert!(names("noise.bin"), "binary file named: {stderr}");
    assert!(names("latin1.txt"), "invalid UTF-8 named: {stderr}");
    assert!(names("empty.txt"), "empty file named: {stderr}");
    assert!(names("batch.jsonl:2"), "malformed JSONL line named with its line: {stderr}");
    assert_eq!(errors.len(), 5, "one line per failure: {stderr}");
    let summary = stderr.lines().last().unwrap_or("");
    assert!(summary.contains("3 articles") && summary.contains("5 failed"), "summary: {summary}");
    // the good inputs were still coded
    let events = json_lines(&out.stdout);
    let articles: std::collections::BTreeSet<_> = events.iter().map(|e| e["article"].as_str().unwrap().to_string()).collect();
    assert!(articles.contains("a1") && articles.contains("a3"), "JSONL ids kept: {articles:?}");
}

#[test]
fn a_clean_run_exits_zero() {
    let dir = tempdir("clean");
    let f = dir.join("one.txt");
    fs::write(&f, "A quiet day\n\nNothing happened anywhere.\n").unwrap();
    let out = run(&["code", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_wire_dateline_is_not_an_actor() {
    let dir = tempdir("dateline");
    let f = dir.join("wire.txt");
    fs::write(&f, "BEIJING, March 3 - Japanese diplomats met Chinese officials on Thursday.\n").unwrap();
    let out = run(&["code", f.to_str().unwrap()]);
    let events = json_lines(&out.stdout);
    let pairs: Vec<(&str, &str)> = events.iter().map(|e| (e["source"]["code"].as_str().unwrap_or("-"), e["target"]["code"].as_str().unwrap_or("-"))).collect();
    // the place the story was filed from is neither side of the meeting
    assert_eq!(pairs, [("JPNGOV", "CHNGOV"), ("CHNGOV", "JPNGOV")], "events: {events:?}");
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let dir = tempdir("det");
    let mut lines = String::new();
    let subjects = ["France's President", "Russia's Foreign Minister", "The Iranian government", "Chinese troops", "The United Nations"];
    let verbs = ["met", "criticized", "attacked", "praised", "visited"];
    let objects = ["Germany's Chancellor", "Syria's President", "Israel", "Indian forces", "Egypt"];
    for i in 0..300 {
        let text = format!(
            "{} {} {} on Monday. {} {} {}.",
            subjects[i % 5], verbs[(i / 5) % 5], objects[(i / 25) % 5], subjects[(i + 2) % 5], verbs[(i + 1) % 5], objects[(i + 3) % 5]
        );
        lines.push_str(&serde_json::json!({"id": format!("d{i}"), "text": text, "date": "2021-05-04"}).to_string());
        lines.push('\n');
    }
    let f = dir.join("many.jsonl");
    fs::write(&f, lines).unwrap();
    let one = run(&["code", "-j", "1", f.to_str().unwrap()]);
    let two = run(&["code", "-j", "2", f.to_str().unwrap()]);
    let again = run(&["code", "-j", "2", f.to_str().unwrap()]);
    assert!(one.status.success());
    assert!(!one.stdout.is_empty(), "some events are coded");
    assert_eq!(one.stdout, two.stdout, "1 vs 2 threads");
    assert_eq!(two.stdout, again.stdout, "repeated runs");
}

#[test]
fn stdin_is_read_as_text_or_jsonl() {
    use std::io::Write;
    let mut child = bin()
        .args(["code", "--input-format", "jsonl", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"id": "s1", "text": "Japan's Prime Minister met South Korea's President in Tokyo.", "date": "2019-06-01"}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    for e in json_lines(&out.stdout) {
        assert_eq!(e["article"], "s1");
    }
}

#[test]
fn analyze_spans_are_exact_byte_offsets() {
    let ex = repo().join("examples/ankara-talks.md");
    let out = run(&["analyze", ex.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let docs = json_lines(&out.stdout);
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    let text = d["text"].as_str().unwrap();
    assert!(!d["tokens"].as_array().unwrap().is_empty());
    for layer in ["tokens", "entities", "times", "places", "actors"] {
        for s in d[layer].as_array().unwrap() {
            let (a, b) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
            assert_eq!(text.get(a..b), s["text"].as_str(), "{layer} span {a}..{b}");
        }
    }
}

/// Two sentences written for these tests, in CoNLL-U.
const TWO_TREES: &str = "# sent_id = t1
1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_
2\tminister\tminister\tNOUN\tNN\t_\t3\tnsubj\t_\t_
3\tvisited\tvisit\tVERB\tVBD\t_\t0\troot\t_\t_
4\tAnkara\tAnkara\tPROPN\tNNP\t_\t3\tobj\t_\t_
5\ton\ton\tADP\tIN\t_\t6\tcase\t_\t_
6\tMonday\tMonday\tPROPN\tNNP\t_\t3\tobl:tmod\t_\t_
7\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

# sent_id = t2
1\tTalks\ttalk\tNOUN\tNNS\t_\t2\tnsubj\t_\t_
2\tended\tend\tVERB\tVBD\t_\t0\troot\t_\t_
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

";

#[test]
fn eval_parse_scores_by_relation() {
    let dir = tempdir("byrel");
    let f = dir.join("two.conllu");
    fs::write(&f, TWO_TREES).unwrap();
    let out = run(&["eval", "parse", "--gold", f.to_str().unwrap(), "--by-relation"]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    // one row per gold universal relation (obl:tmod counts as obl), for each kind of tags
    for rel in ["det", "nsubj", "root", "obj", "case", "obl", "punct"] {
        let rows = text.lines().filter(|l| l.split_whitespace().next() == Some(rel)).count();
        assert_eq!(rows, 2, "{rel} in\n{text}");
    }
    assert!(!text.lines().any(|l| l.trim_start().starts_with("obl:tmod")), "{text}");
    let words: usize = text.lines().skip_while(|l| !l.contains("(gold tags)")).skip(2).take_while(|l| l.starts_with("  ")).map(|l| l.split_whitespace().nth(1).unwrap().parse::<usize>().unwrap()).sum();
    assert_eq!(words, 10, "the rows cover every word\n{text}");
    assert!(text.lines().last().unwrap().starts_with("uas="), "the last line is key=value pairs\n{text}");
}

#[test]
fn a_report_ends_quietly_when_its_reader_goes() {
    let dir = tempdir("pipe");
    let f = dir.join("two.conllu");
    fs::write(&f, TWO_TREES).unwrap();
    let mut child = bin()
        .args(["eval", "parse", "--gold", f.to_str().unwrap(), "--by-relation"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run dateline");
    // the reader goes before the report is written (the models load first)
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "stderr: {err}");
}
