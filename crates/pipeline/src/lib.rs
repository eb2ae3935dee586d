//! The pipeline: loads every resource once (models, dictionaries, gazetteer) and runs the
//! stages in a checked order over each article. Immutable after construction and shared
//! across threads.
#![warn(missing_docs)]

use model::{Article, Doc, Layer, Stage};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many articles [`Pipeline::analyze_batch`] is meant to take at a time: enough for the
/// NLP models' tables to stay warm from one article to the next (`dateline bench nlp`).
pub const BATCH: usize = 16;

/// A checked sequence of stages.
pub struct Pipeline {
    stages: Vec<Arc<dyn Stage>>,
    fingerprint: String,
    load_times: Vec<(&'static str, Duration)>,
}

/// Why a pipeline could not be built.
#[derive(Debug)]
pub struct PipelineError(pub String);

impl std::fmt::Display for PipelineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for PipelineError {}

impl Pipeline {
    /// Builds a pipeline, checking that every stage's requirements are assigned by an
    /// earlier stage.
    pub fn new(stages: Vec<Arc<dyn Stage>>, fingerprint: String) -> Result<Pipeline, PipelineError> {
        let mut have: HashSet<Layer> = HashSet::new();
        for s in &stages {
            for r in s.requires() {
                if !have.contains(r) {
                    return Err(PipelineError(format!(
                        "stage '{}' requires {:?}, which no earlier stage assigns",
                        s.name(),
                        r
                    )));
                }
            }
            have.extend(s.assigns().iter().copied());
        }
        let fingerprint = if fingerprint.is_empty() {
            // One 64-bit hash per stage, combined in order: the same models and dictionaries
            // always give the same fingerprint.
            let mut h = <sha2::Sha256 as sha2::Digest>::new();
            for s in &stages {
                sha2::Digest::update(&mut h, s.name().as_bytes());
                sha2::Digest::update(&mut h, s.fingerprint().to_le_bytes());
            }
            sha2::Digest::finalize(h).iter().take(8).map(|b| format!("{b:02x}")).collect()
        } else {
            fingerprint
        };
        Ok(Pipeline { stages, fingerprint, load_times: Vec::new() })
    }

    /// The standard pipeline with the built-in models and dictionaries, or with the
    /// PETRARCH dictionaries named by `petrarch_ini`. Resources load concurrently, one thread
    /// each; [`Pipeline::load_times`] tells how long each took.
    pub fn standard(petrarch_ini: Option<&Path>) -> Result<Pipeline, PipelineError> {
        let e = |what: &str, m: String| PipelineError(format!("loading {what}: {m}"));
        let timed = |f: &dyn Fn() -> Result<Arc<dyn Stage>, PipelineError>| {
            let t = Instant::now();
            f().map(|s| (s, t.elapsed()))
        };
        type Loaded = Result<(Arc<dyn Stage>, Duration), PipelineError>;
        let (nlp, gaz, actors_coder): (Loaded, Loaded, Result<(Loaded, Loaded), PipelineError>) = std::thread::scope(|sc| {
            let nlp = sc.spawn(|| timed(&|| Ok(Arc::new(nlp::Nlp::load_default().map_err(|m| e("NLP models", m))?) as Arc<dyn Stage>)));
            let gaz = sc.spawn(|| timed(&|| Ok(Arc::new(geo::Gazetteer::load_default().map_err(|m| e("gazetteer", m))?) as Arc<dyn Stage>)));
            let dicts = || -> Result<(Loaded, Loaded), PipelineError> {
                let t = Instant::now();
                match petrarch_ini {
                    None => {
                        let a = sc.spawn(|| timed(&|| Ok(Arc::new(actors::ActorDict::builtin().map_err(|m| e("actor dictionaries", m))?) as Arc<dyn Stage>)));
                        let c = timed(&|| Ok(Arc::new(coder::Coder::builtin().map_err(|m| e("verb dictionary", m))?) as Arc<dyn Stage>));
                        Ok((a.join().expect("actor loader thread"), c))
                    }
                    Some(ini) => {
                        let cfg = coder::load_petrarch_config(ini).map_err(|m| e(&ini.display().to_string(), m))?;
                        for w in &cfg.warnings {
                            eprintln!("dateline: warning: {w}");
                        }
                        let d = t.elapsed();
                        Ok((Ok((Arc::new(cfg.actors) as Arc<dyn Stage>, d)), Ok((Arc::new(cfg.coder) as Arc<dyn Stage>, d))))
                    }
                }
            };
            let ac = dicts();
            (nlp.join().expect("nlp loader thread"), gaz.join().expect("gazetteer loader thread"), ac)
        });
        let (actors, coder) = actors_coder?;
        let (nlp, gaz, actors, coder) = (nlp?, gaz?, actors?, coder?);
        let load_times = vec![("nlp", nlp.1), ("geo", gaz.1), ("actors", actors.1), ("coder", coder.1)];
        let stages: Vec<Arc<dyn Stage>> = vec![
            nlp.0,
            Arc::new(timex::TimeTagger::default()),
            gaz.0,
            actors.0,
            coder.0,
            Arc::new(timex::EventDater::default()),
            Arc::new(geo::EventPlacer::default()),
        ];
        let mut p = Pipeline::new(stages, String::new())?;
        p.load_times = load_times;
        Ok(p)
    }

    /// How long each resource took to load in [`Pipeline::standard`].
    pub fn load_times(&self) -> &[(&'static str, Duration)] {
        &self.load_times
    }

    /// Names of the stages in order.
    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// Hash of the models and dictionaries in use (recorded in output).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Runs every stage over a batch of articles (at most [`BATCH`] or so), stage by stage:
    /// the same documents as [`Pipeline::analyze`] on each article, in the same order, but
    /// faster, as each stage's tables stay in cache across the batch. Should a stage panic on
    /// the batch, the batch is analyzed again article by article, so that only the article
    /// at fault can lose anything.
    pub fn analyze_batch(&self, articles: Vec<Article>) -> Vec<Doc> {
        let mut docs: Vec<Doc> = articles.into_iter().map(Doc::new).collect();
        for s in &self.stages {
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.run_batch(&mut docs))).is_err() {
                // stages leave the article as it came
                return docs.into_iter().map(|d| self.analyze(d.article)).collect();
            }
        }
        docs
    }

    /// Runs every stage over one article. Stages must not panic; as a last line of defence a
    /// panicking stage is caught, recorded as a diagnostic, and the remaining stages still run,
    /// so one odd article never takes the whole run down.
    pub fn analyze(&self, article: Article) -> Doc {
        let mut doc = Doc::new(article);
        for s in &self.stages {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.run(&mut doc)));
            if r.is_err() {
                let origin = doc.article.origin.clone();
                doc.note(s.name(), format!("internal error in stage '{}' on {origin}; its results for this article may be incomplete", s.name()));
            }
        }
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Notes the length of each article's text.
    struct Measure;
    impl Stage for Measure {
        fn name(&self) -> &'static str {
            "measure"
        }
        fn requires(&self) -> &'static [Layer] {
            &[]
        }
        fn assigns(&self) -> &'static [Layer] {
            &[Layer::Sentences]
        }
        fn run(&self, doc: &mut Doc) {
            let n = doc.article.text.len();
            doc.note("measure", format!("{n} bytes"));
        }
    }

    /// Panics on an article that says "boom" (a stand-in for a bug), notes the others.
    struct Fragile;
    impl Stage for Fragile {
        fn name(&self) -> &'static str {
            "fragile"
        }
        fn requires(&self) -> &'static [Layer] {
            &[Layer::Sentences]
        }
        fn assigns(&self) -> &'static [Layer] {
            &[Layer::Events]
        }
        fn run(&self, doc: &mut Doc) {
            assert!(!doc.article.text.contains("boom"), "fragile stage fails");
            doc.note("fragile", "fine");
        }
    }

    fn notes(d: &Doc) -> Vec<String> {
        d.diagnostics.iter().map(|x| format!("{}: {}", x.stage, x.message)).collect()
    }

    #[test]
    fn a_batch_gives_each_article_its_own_results_and_one_failure_costs_one_article() {
        let p = Pipeline::new(vec![Arc::new(Measure), Arc::new(Fragile)], "test".into()).unwrap();
        let articles: Vec<Article> = ["one", "a boom here", "three!"].iter().map(|t| Article { text: t.to_string(), origin: format!("{t}.txt"), ..Default::default() }).collect();
        let batch = p.analyze_batch(articles.clone());
        let single: Vec<Doc> = articles.into_iter().map(|a| p.analyze(a)).collect();
        assert_eq!(batch.len(), 3);
        for (b, s) in batch.iter().zip(&single) {
            assert_eq!(b.article.text, s.article.text);
            assert_eq!(notes(b), notes(s));
        }
        assert_eq!(notes(&batch[0]), ["measure: 3 bytes", "fragile: fine"]);
        assert_eq!(notes(&batch[2]), ["measure: 6 bytes", "fragile: fine"]);
        let hit = notes(&batch[1]);
        assert_eq!(hit[0], "measure: 11 bytes");
        assert!(hit[1].starts_with("fragile: internal error in stage 'fragile' on a boom here.txt"), "{hit:?}");
        assert!(p.analyze_batch(Vec::new()).is_empty());
    }
}
