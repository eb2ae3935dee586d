//! Tokenizer, tagger and lemmatizer commands: `eval sentences|tokens|pos|lemma` and
//! `train tagger`.
use anyhow::{anyhow, bail, Result};
use clap::Parser;
use nlp::conllu;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const EWT: &str = "../shared/data/ud-ewt";

/// `dateline eval pos|lemma|sentences|tokens`
#[derive(Parser)]
struct EvalArgs {
    /// Gold CoNLL-U file.
    #[arg(long, default_value = "../shared/data/ud-ewt/en_ewt-ud-test.conllu")]
    gold: PathBuf,
    /// Tagger model file (default: the built-in model).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Lemmatizer model file (default: the built-in model).
    #[arg(long)]
    lemma_model: Option<PathBuf>,
    /// Use gold UPOS/XPOS for lemmatization (default: predicted tags).
    #[arg(long)]
    gold_tags: bool,
    /// Sentence-boundary model file (default: the built-in model).
    #[arg(long)]
    sbd_model: Option<PathBuf>,
    /// Split sentences with the rules only (no learned boundary model).
    #[arg(long)]
    rules: bool,
    /// Prune the tagger's weights below this magnitude before evaluating (to choose `--prune`).
    #[arg(long, default_value_t = 0.0)]
    prune: f32,
    /// Print up to this many errors (unmatched spans / wrong words) to stderr.
    #[arg(long, default_value_t = 0)]
    show_errors: usize,
}

/// `dateline train tagger`
#[derive(Parser)]
struct TrainArgs {
    /// Training CoNLL-U file.
    #[arg(long, default_value_t = format!("{EWT}/en_ewt-ud-train.conllu"))]
    train: String,
    /// Development CoNLL-U file, scored after training.
    #[arg(long, default_value_t = format!("{EWT}/en_ewt-ud-dev.conllu"))]
    dev: String,
    /// Also train on these CoNLL-U files (e.g. the dev set, once settings are chosen).
    #[arg(long)]
    extra: Vec<PathBuf>,
    /// Output model file (the tagger; the lemmatizer goes beside it as lemma.bin).
    #[arg(long, default_value = "models/tagger.bin")]
    out: PathBuf,
    /// Folders of unlabeled news for word classes (`.txt` files, and the `<BODY>` of Reuters
    /// `.sgm` files; searched recursively). Repeatable.
    #[arg(long, default_values = ["../shared/data/corpora/bbc", "../shared/data/corpora/reuters21578"])]
    corpus: Vec<PathBuf>,
    /// Words seen fewer times than this get no word class.
    #[arg(long, default_value_t = 2)]
    min_count: u32,
    /// Output lemmatizer model file.
    #[arg(long, default_value = "models/lemma.bin")]
    lemma_out: PathBuf,
    /// Passes over the data.
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    /// Output sentence-boundary model file.
    #[arg(long, default_value = "models/tagger.sbd.bin")]
    sbd_out: PathBuf,
    /// Passes over the data for the sentence-boundary model.
    #[arg(long, default_value_t = 8)]
    sbd_epochs: usize,
    /// Train only these models (comma-separated: tagger, lemma, sbd).
    #[arg(long, default_value = "tagger,lemma,sbd")]
    only: String,
    /// Train the lemmatizer on jackknifed predicted tags instead of the gold tags.
    #[arg(long)]
    lemma_jackknife: bool,
    /// Passes over the data for the lemmatizer.
    #[arg(long, default_value_t = 6)]
    lemma_epochs: usize,

    /// Shuffling seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// log2 of the hashed feature table size.
    #[arg(long, default_value_t = 18)]
    bits: u32,
    /// Folds for the jackknifed second tagging pass (0 or 1: a single pass).
    #[arg(long, default_value_t = 4)]
    folds: usize,
    /// Drop weights of smaller magnitude from the saved model.
    #[arg(long, default_value_t = 0.0)]
    prune: f32,
}

/// Runs `kind` with its unparsed arguments.
pub fn run(kind: &str, args: Vec<String>) -> Result<ExitCode> {
    match kind {
        "train:tagger" => train_tagger(super::parse("train tagger", args)),
        "eval:pos" => eval_pos(super::parse("eval pos", args)),
        "eval:lemma" => eval_lemma(super::parse("eval lemma", args)),
        "eval:sentences" | "eval:tokens" => eval_segmentation(super::parse(if kind == "eval:tokens" { "eval tokens" } else { "eval sentences" }, args)),
        _ => bail!("{kind}: not available yet"),
    }
}

fn read(path: &Path) -> Result<Vec<conllu::Sentence>> {
    conllu::read_file(path).map_err(|e| anyhow!(e))
}

/// The tagger in file `model`, or the built-in one.
pub(super) fn load_tagger(model: &Option<PathBuf>) -> Result<nlp::tagger::Tagger> {
    match model {
        Some(p) => {
            let b = std::fs::read(p).map_err(|e| anyhow!("{}: {e}", p.display()))?;
            nlp::tagger::Tagger::from_bytes(&b).map_err(|e| anyhow!("{}: {e}", p.display()))
        }
        None => nlp::tagger::Tagger::load_default().map_err(|e| anyhow!(e)),
    }
}

fn load_lemmatizer(model: &Option<PathBuf>) -> Result<nlp::lemma::Lemmatizer> {
    match model {
        Some(p) => {
            let b = std::fs::read(p).map_err(|e| anyhow!("{}: {e}", p.display()))?;
            nlp::lemma::Lemmatizer::from_bytes(&b).map_err(|e| anyhow!("{}: {e}", p.display()))
        }
        None => nlp::lemma::Lemmatizer::load_default().map_err(|e| anyhow!(e)),
    }
}

fn eval_lemma(a: EvalArgs) -> Result<ExitCode> {
    let t0 = Instant::now();
    let tagger = load_tagger(&a.model)?;
    let mut lem = load_lemmatizer(&a.lemma_model)?;
    lem.set_vocab(tagger.clusters().clone());
    let load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let gold = read(&a.gold)?;
    let mut shown = 0;
    let (acc, n) = nlp::tag_eval::score_lemmas_with(&lem, (!a.gold_tags).then_some(&tagger), &gold, &mut |w, l, u| {
        if shown < a.show_errors {
            shown += 1;
            eprintln!("{:?} ({} / predicted {u}): gold {:?} predicted {l:?}", w.form, w.upos, w.lemma);
        }
    });
    let tags = if a.gold_tags { "gold" } else { "predicted" };
    println!("{}: {n} words (gold tokens, {tags} tags); models loaded in {load_ms:.0} ms", a.gold.display());
    println!("Lemmas  {acc:6.2}");
    println!("lemma={acc:.2} words={n} tags={tags} load_ms={load_ms:.0}");
    Ok(ExitCode::SUCCESS)
}

fn train_tagger(a: TrainArgs) -> Result<ExitCode> {
    let t0 = Instant::now();
    let which: Vec<&str> = a.only.split(',').map(str::trim).collect();
    let mut train = read(Path::new(&a.train))?;
    // the word classes read the training file's words, not the --extra files' (so that a
    // final model trained on train + dev keeps the classes its settings were chosen with)
    let n_train = train.len();
    for x in &a.extra {
        train.extend(read(x)?);
    }
    let dev = read(Path::new(&a.dev))?;
    let mut summary = Vec::new();
    let mut trained = None;
    if which.contains(&"sbd") {
        eprintln!("training the sentence-boundary model on {} ({} sentences)", a.train, train.len());
        let sbd = nlp::tok_sbd::train(&train, a.sbd_epochs, a.seed, |m| eprintln!("  {m}"));
        let bytes = sbd.to_bytes();
        std::fs::write(&a.sbd_out, &bytes).map_err(|e| anyhow!("{}: {e}", a.sbd_out.display()))?;
        let raw = nlp::tag_eval::raw_text(&dev);
        let (_, sents) = nlp::tag_eval::predicted_spans(&raw.text, Some(&sbd));
        let (_, _, f) = nlp::tag_eval::span_f1(&raw.sentences, &sents);
        eprintln!("wrote {} ({} bytes); dev sentence F1 {f:.2}", a.sbd_out.display(), bytes.len());
        summary.push(format!("sentences_f1={f:.2} sbd_bytes={}", bytes.len()));
    }
    if which.contains(&"tagger") {
        let opts = nlp::tagger::TrainOptions { epochs: a.epochs, seed: a.seed, bits: a.bits, prune: a.prune, folds: a.folds };
        eprintln!("training the tagger on {} ({} sentences, {opts:?})", a.train, train.len());
        let mut files = Vec::new();
        for c in &a.corpus {
            collect_txt(c, &mut files)?;
        }
        files.sort();
        let mut texts = Vec::new();
        for f in &files {
            let b = std::fs::read(f).map_err(|e| anyhow!("{}: {e}", f.display()))?;
            let t = String::from_utf8_lossy(&b).into_owned();
            if f.extension().is_some_and(|x| x == "sgm") {
                // Reuters-21578: article bodies only, SGML entities left as they are
                for part in t.split("<BODY>").skip(1) {
                    texts.push(part.split("</BODY>").next().unwrap_or("").replace("&lt;", "<").replace("&amp;", "&"));
                }
            } else {
                texts.push(t);
            }
        }
        let t1 = Instant::now();
        let mut unlabeled: Vec<Vec<&str>> = train[..n_train].iter().map(|s| s.words.iter().map(|w| w.form.as_str()).collect()).collect();
        for t in &texts {
            let tk = nlp::tokenize::tokenize(t);
            for &(x, y) in &tk.sentences {
                unlabeled.push(tk.tokens[x..y].iter().map(|k| &t[k.start..k.end]).collect());
            }
        }
        let words: usize = unlabeled.iter().map(|s| s.len()).sum();
        let clusters = nlp::ner::clusters::WordClusters::build(unlabeled.into_iter(), a.min_count);
        eprintln!("word classes for {} words from {words} words of text ({} files under {:?}) in {:.1}s", clusters.len(), files.len(), a.corpus, t1.elapsed().as_secs_f64());
        let (tagger, jack) = nlp::tagger::train_jackknifed(&train, clusters, &opts, |m| eprintln!("  {m}"));
        let bytes = tagger.to_bytes();
        std::fs::write(&a.out, &bytes).map_err(|e| anyhow!("{}: {e}", a.out.display()))?;
        eprintln!("wrote {} ({} bytes, {} weights)", a.out.display(), bytes.len(), tagger.nnz());
        let sc = nlp::tag_eval::score_tags(&tagger, &dev);
        println!("dev ({} words): UPOS {:.2}  XPOS {:.2}  both {:.2}", sc.words, sc.upos, sc.xpos, sc.all);
        summary.push(format!("upos={:.2} xpos={:.2} alltags={:.2} tagger_bytes={}", sc.upos, sc.xpos, sc.all, bytes.len()));
        trained = Some((tagger, jack));
    }
    let lem = if which.contains(&"lemma") {
        eprintln!("training the lemmatizer on {} ({} sentences)", a.train, train.len());
        let jack = trained.as_ref().map(|t| t.1.as_slice()).filter(|j| a.lemma_jackknife && !j.is_empty());
        eprintln!("  with {} tags", if jack.is_some() { "jackknifed predicted" } else { "gold" });
        let lem = nlp::lemma::train(&train, jack, a.lemma_epochs, a.seed, 16, |m| eprintln!("  {m}"));
        let bytes = lem.to_bytes();
        std::fs::write(&a.lemma_out, &bytes).map_err(|e| anyhow!("{}: {e}", a.lemma_out.display()))?;
        let (lacc, _) = nlp::tag_eval::score_lemmas(&lem, None, &dev);
        eprintln!("wrote {} ({} bytes, {} weights); dev lemma accuracy with gold tags {lacc:.2}", a.lemma_out.display(), bytes.len(), lem.nnz());
        summary.push(format!("lemma_goldtags={lacc:.2} lemma_bytes={}", bytes.len()));
        Some(lem)
    } else {
        None
    };
    if let (Some(lem), Some((tagger, _))) = (&lem, &trained) {
        let mut lem = nlp::lemma::Lemmatizer::from_bytes(&lem.to_bytes()).map_err(|e| anyhow!(e))?;
        lem.set_vocab(tagger.clusters().clone());
        let (lp, _) = nlp::tag_eval::score_lemmas(&lem, Some(tagger), &dev);
        summary.push(format!("lemma={lp:.2}"));
    }
    eprintln!("done in {:.1}s", t0.elapsed().as_secs_f64());
    println!("split=dev {}", summary.join(" "));
    Ok(ExitCode::SUCCESS)
}

fn eval_pos(a: EvalArgs) -> Result<ExitCode> {
    let t0 = Instant::now();
    let mut tagger = load_tagger(&a.model)?;
    if a.prune > 0.0 {
        tagger.prune(a.prune);
        eprintln!("pruned to {} weights ({} bytes)", tagger.nnz(), tagger.to_bytes().len());
    }
    let load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let gold = read(&a.gold)?;
    let mut shown = 0;
    let mut confusions: std::collections::BTreeMap<(String, String), usize> = Default::default();
    let sc = nlp::tag_eval::score_tags_with(&tagger, &gold, &mut |s, k, p| {
        *confusions.entry((s.words[k].upos.clone(), p.to_string())).or_default() += 1;
        if shown < a.show_errors {
            shown += 1;
            let ctx: Vec<&str> = s.words[k.saturating_sub(3)..(k + 4).min(s.words.len())].iter().map(|w| w.form.as_str()).collect();
            eprintln!("{:?}: gold {} predicted {p} in \"{}\"", s.words[k].form, s.words[k].upos, ctx.join(" "));
        }
    });
    if a.show_errors > 0 {
        let mut c: Vec<_> = confusions.into_iter().collect();
        c.sort_by(|x, y| y.1.cmp(&x.1));
        for ((g, p), n) in c.iter().take(20) {
            eprintln!("confusion gold {g} -> {p}: {n}");
        }
    }
    let (u, x, b, n, rate) = (sc.upos, sc.xpos, sc.all, sc.words, sc.words_per_s);
    println!("{}: {n} words (gold tokens); model loaded in {load_ms:.0} ms", a.gold.display());
    println!("UPOS    {u:6.2}\nXPOS    {x:6.2}\nAllTags {b:6.2}\ntagging {rate:.0} words/s");
    println!("upos={u:.2} xpos={x:.2} alltags={b:.2} words={n} load_ms={load_ms:.0} words_per_s={rate:.0}");
    Ok(ExitCode::SUCCESS)
}

fn eval_segmentation(a: EvalArgs) -> Result<ExitCode> {
    let gold = read(&a.gold)?;
    let raw = nlp::tag_eval::raw_text(&gold);
    let sbd = if a.rules {
        None
    } else {
        Some(match &a.sbd_model {
            Some(p) => {
                let b = std::fs::read(p).map_err(|e| anyhow!("{}: {e}", p.display()))?;
                nlp::tok_sbd::Sbd::from_bytes(&b).map_err(|e| anyhow!("{}: {e}", p.display()))?
            }
            None => nlp::tok_sbd::Sbd::load_default().map_err(|e| anyhow!(e))?,
        })
    };
    let t0 = Instant::now();
    let (toks, sents) = nlp::tag_eval::predicted_spans(&raw.text, sbd.as_ref());
    let secs = t0.elapsed().as_secs_f64();
    let (tp, tr, tf) = nlp::tag_eval::span_f1(&raw.tokens, &toks);
    let (sp, sr, sf) = nlp::tag_eval::span_f1(&raw.sentences, &sents);
    if a.show_errors > 0 {
        let ctx = |x: (usize, usize)| {
            let t = &raw.text;
            let lo = (0..=x.0.saturating_sub(25)).rev().find(|&k| t.is_char_boundary(k)).unwrap_or(0);
            let hi = ((x.1 + 25).min(t.len())..=t.len()).find(|&k| t.is_char_boundary(k)).unwrap_or(t.len());
            format!("{:?} in …{}…", &raw.text[x.0..x.1], raw.text[lo..hi].replace('\n', "⏎"))
        };
        let show = |name: &str, gold: &[(usize, usize)], pred: &[(usize, usize)]| {
            let ps: std::collections::HashSet<_> = pred.iter().collect();
            let gs: std::collections::HashSet<_> = gold.iter().collect();
            for x in gold.iter().filter(|x| !ps.contains(x)).take(a.show_errors) {
                eprintln!("{name} missed: {}", ctx(*x));
            }
            for x in pred.iter().filter(|x| !gs.contains(x)).take(a.show_errors) {
                eprintln!("{name} spurious: {}", ctx(*x));
            }
        };
        show("token", &raw.tokens, &toks);
        let sb = |v: &[(usize, usize)]| v.iter().map(|x| (x.0, x.0 + 1)).collect::<Vec<_>>();
        show("sentence start", &sb(&raw.sentences), &sb(&sents));
    }
    println!("{}: raw text rebuilt from the gold file ({} bytes; paragraphs separated by blank lines)", a.gold.display(), raw.text.len());
    println!("            P       R       F1");
    println!("Tokens    {tp:6.2}  {tr:6.2}  {tf:6.2}   ({} gold, {} predicted)", raw.tokens.len(), toks.len());
    println!("Sentences {sp:6.2}  {sr:6.2}  {sf:6.2}   ({} gold, {} predicted)", raw.sentences.len(), sents.len());
    println!("tokenized at {:.0} tokens/s", toks.len() as f64 / secs.max(1e-9));
    println!("tokens_p={tp:.2} tokens_r={tr:.2} tokens_f1={tf:.2} sentences_p={sp:.2} sentences_r={sr:.2} sentences_f1={sf:.2}");
    Ok(ExitCode::SUCCESS)
}

fn collect_txt(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut here = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| anyhow!("{}: {e}", dir.display()))? {
        let p = e?.path();
        if p.is_dir() {
            collect_txt(&p, out)?;
        } else {
            here.push(p);
        }
    }
    // a folder of Reuters .sgm files also holds .txt lists of names: take the articles only
    let sgm = here.iter().any(|p| p.extension().is_some_and(|x| x == "sgm"));
    out.extend(here.into_iter().filter(|p| p.extension().is_some_and(|x| if sgm { x == "sgm" } else { x == "txt" })));
    Ok(())
}
