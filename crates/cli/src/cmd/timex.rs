//! Temporal-expression commands: `eval timex DIR` (TempEval-3 scoring on TimeML files) and
//! `bench time` (tagging rate on a folder of plain-text articles).
use anyhow::{bail, Context, Result};
use clap::Parser;
use model::{Article, Doc, Stage};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use timex::timeml::{self, Counts};

/// `dateline eval timex`
#[derive(Parser)]
struct EvalArgs {
    /// Folder of TimeML `.tml` files (searched recursively; each sub-folder is a corpus).
    #[arg(default_value = "../shared/data/tempeval3/Training/TBAQ-cleaned")]
    dir: PathBuf,
    /// Print up to N disagreements (gold vs system) on stderr.
    #[arg(long, default_value_t = 0)]
    errors: usize,
    /// Do not run the NLP stage first (tense then comes from word cues only).
    #[arg(long)]
    no_nlp: bool,
}

/// `dateline bench time`
#[derive(Parser)]
struct BenchArgs {
    /// Folder of plain-text articles (searched recursively).
    #[arg(default_value = "../shared/data/corpora/bbc")]
    dir: PathBuf,
    /// Anchor date for relative expressions.
    #[arg(long, default_value = "2005-01-01")]
    anchor: String,
    /// Also run (and time) the NLP stage, to compare.
    #[arg(long)]
    nlp: bool,
}

/// Runs `kind` with its unparsed arguments.
pub fn run(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    match kind {
        "eval:timex" => eval(super::parse("eval timex", args)),
        "bench:time" => bench(super::parse("bench time", args)),
        _ => bail!("{kind}: not handled by the timex commands"),
    }
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) -> Result<()> {
    let rd = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, ext, out)?;
        } else if p.extension().and_then(|e| e.to_str()) == Some(ext) {
            out.push(p);
        }
    }
    Ok(())
}

/// The NLP stage, or `None` (with a warning) when its models cannot be loaded: the tagger
/// then takes tense from word cues alone.
fn load_nlp() -> Option<nlp::Nlp> {
    match nlp::Nlp::load_default() {
        Ok(n) => Some(n),
        Err(e) => {
            eprintln!("dateline: warning: NLP models unavailable ({e}); tagging without tags or parse");
            None
        }
    }
}

fn line(name: &str, c: &Counts) -> String {
    let (sp, sr, sf) = c.strict_prf();
    let (rp, rr, rf) = c.relaxed_prf();
    format!(
        "{name:<12} gold {:>5} sys {:>5} | strict P {sp:5.1} R {sr:5.1} F1 {sf:6.2} | relaxed P {rp:5.1} R {rr:5.1} F1 {rf:6.2} | value acc {:5.1} F1 {:6.2} | type F1 {:6.2}",
        c.gold,
        c.sys,
        c.value_accuracy(),
        c.value_f1(),
        c.type_f1()
    )
}

fn eval(a: EvalArgs) -> Result<ExitCode> {
    let mut paths = Vec::new();
    files(&a.dir, "tml", &mut paths)?;
    if paths.is_empty() {
        bail!("no .tml files under {}", a.dir.display());
    }
    let nlp = if a.no_nlp { None } else { load_nlp() };
    let tagger = timex::TimeTagger::default();
    let mut per: BTreeMap<String, Counts> = BTreeMap::new();
    let mut all = Counts::default();
    let mut shown = 0;
    let mut tag_time = Duration::ZERO;
    let mut chars = 0usize;
    for p in &paths {
        let xml = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        let tml = match timeml::parse(&xml) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("dateline: {}: {e}; skipped", p.display());
                continue;
            }
        };
        let corpus = p
            .strip_prefix(&a.dir)
            .ok()
            .and_then(|r| r.components().next())
            .filter(|_| p.parent() != Some(a.dir.as_path()))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_else(|| "(top)".into());
        let mut doc = Doc::new(Article { text: tml.text.clone(), published: tml.dct, origin: p.display().to_string(), ..Default::default() });
        if let Some(n) = &nlp {
            n.run(&mut doc);
        }
        let t0 = Instant::now();
        tagger.run(&mut doc);
        tag_time += t0.elapsed();
        chars += doc.article.text.len();
        let text = &doc.article.text;
        let c = timeml::score(text, &tml.timexes, &doc.times, |g, s| {
            if shown < a.errors {
                shown += 1;
                let gs = g.map(|g| format!("{:?} {} {}", &text[g.start..g.end], g.kind, g.value)).unwrap_or_else(|| "-".into());
                let ss = s.map(|s| format!("{:?} {:?} {}", &text[s.start..s.end], s.kind, s.value)).unwrap_or_else(|| "-".into());
                let at = g.map(|g| g.start).or(s.map(|s| s.start)).unwrap_or(0);
                let lo = text[..at].rfind('\n').map(|x| x + 1).unwrap_or(0).max(at.saturating_sub(80));
                let lo = (lo..=at).find(|&k| text.is_char_boundary(k)).unwrap_or(at);
                let hi = (at + 80).min(text.len());
                let hi = (hi..=text.len()).find(|&k| text.is_char_boundary(k)).unwrap_or(text.len());
                eprintln!("{} [dct {}]\n  gold {gs}\n  sys  {ss}\n  ctx  {:?}", p.file_name().unwrap_or_default().to_string_lossy(), tml.dct.map(|d| d.to_string()).unwrap_or_default(), &text[lo..hi]);
            }
        });
        per.entry(corpus).or_default().add(&c);
        all.add(&c);
    }
    println!("TempEval-3 TIMEX3 scores on {} ({} files; value/type F1 = accuracy on relaxed matches x relaxed F1)", a.dir.display(), paths.len());
    for (name, c) in &per {
        println!("{}", line(name, c));
    }
    println!("{}", line("overall", &all));
    let (_, _, sf) = all.strict_prf();
    let (rp, rr, rf) = all.relaxed_prf();
    println!(
        "tagging: {:.1} ms for {} KB ({:.1} MB/s)",
        tag_time.as_secs_f64() * 1000.0,
        chars / 1024,
        chars as f64 / 1e6 / tag_time.as_secs_f64().max(1e-9)
    );
    println!(
        "files={} gold={} sys={} strict_f1={sf:.2} relaxed_p={rp:.2} relaxed_r={rr:.2} relaxed_f1={rf:.2} value_f1={:.2} type_f1={:.2} value_acc={:.2}",
        paths.len(),
        all.gold,
        all.sys,
        all.value_f1(),
        all.type_f1(),
        all.value_accuracy()
    );
    Ok(ExitCode::SUCCESS)
}

fn bench(a: BenchArgs) -> Result<ExitCode> {
    let mut paths = Vec::new();
    files(&a.dir, "txt", &mut paths)?;
    if paths.is_empty() {
        bail!("no .txt files under {}", a.dir.display());
    }
    let anchor = model::Date::parse(&a.anchor).with_context(|| format!("--anchor {:?} is not a date", a.anchor))?;
    let mut texts = Vec::with_capacity(paths.len());
    for p in &paths {
        let b = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        texts.push(String::from_utf8_lossy(&b).into_owned());
    }
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let nlp = if a.nlp { load_nlp() } else { None };
    let tagger = timex::TimeTagger::default();
    let mut docs: Vec<Doc> = texts.into_iter().map(|t| Doc::new(Article { text: t, published: Some(anchor), ..Default::default() })).collect();
    let mut nlp_time = Duration::ZERO;
    if let Some(n) = &nlp {
        let t0 = Instant::now();
        for d in &mut docs {
            n.run(d);
        }
        nlp_time = t0.elapsed();
    }
    // tagging only, single thread
    let t0 = Instant::now();
    let mut found = 0usize;
    for d in &mut docs {
        tagger.run(d);
        found += d.times.len();
    }
    let dt = t0.elapsed().as_secs_f64();
    println!(
        "time tagging on {} ({} articles, {} words): {:.1} ms, {:.0} articles/s, {:.0} words/s, {:.1} MB/s; {} expressions",
        a.dir.display(),
        docs.len(),
        words,
        dt * 1000.0,
        docs.len() as f64 / dt,
        words as f64 / dt,
        bytes as f64 / 1e6 / dt,
        found
    );
    if nlp.is_some() {
        let nt = nlp_time.as_secs_f64();
        println!("nlp stage on the same articles: {:.1} ms; time tagging = {:.1}% of it", nt * 1000.0, 100.0 * dt / nt.max(1e-9));
    }
    println!(
        "articles={} words={} ms={:.1} words_per_s={:.0} expressions={} nlp_ms={:.1}",
        docs.len(),
        words,
        dt * 1000.0,
        words as f64 / dt,
        found,
        nlp_time.as_secs_f64() * 1000.0
    );
    Ok(ExitCode::SUCCESS)
}
