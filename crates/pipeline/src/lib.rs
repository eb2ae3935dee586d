//! The pipeline: loads every resource once (models, dictionaries, gazetteer) and runs the
//! stages in a checked order over each article. Immutable after construction and shared
//! across threads.
#![warn(missing_docs)]

use model::{Article, Doc, Layer, Stage};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// A checked sequence of stages.
pub struct Pipeline {
    stages: Vec<Arc<dyn Stage>>,
    fingerprint: String,
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
        Ok(Pipeline { stages, fingerprint })
    }

    /// The standard pipeline with the built-in models and dictionaries, or with the
    /// PETRARCH dictionaries named by `petrarch_ini`.
    pub fn standard(petrarch_ini: Option<&Path>) -> Result<Pipeline, PipelineError> {
        let e = |what: &str, m: String| PipelineError(format!("loading {what}: {m}"));
        let nlp = nlp::Nlp::load_default().map_err(|m| e("NLP models", m))?;
        let (actors, coder) = match petrarch_ini {
            None => (
                actors::ActorDict::builtin().map_err(|m| e("actor dictionaries", m))?,
                coder::Coder::builtin().map_err(|m| e("verb dictionary", m))?,
            ),
            Some(ini) => {
                let cfg = coder::load_petrarch_config(ini).map_err(|m| e(&ini.display().to_string(), m))?;
                for w in &cfg.warnings {
                    eprintln!("dateline: warning: {w}");
                }
                (cfg.actors, cfg.coder)
            }
        };
        let gaz = geo::Gazetteer::load_default().map_err(|m| e("gazetteer", m))?;
        let stages: Vec<Arc<dyn Stage>> = vec![
            Arc::new(nlp),
            Arc::new(timex::TimeTagger::default()),
            Arc::new(gaz),
            Arc::new(actors),
            Arc::new(coder),
            Arc::new(timex::EventDater::default()),
            Arc::new(geo::EventPlacer::default()),
        ];
        Pipeline::new(stages, String::new())
    }

    /// Names of the stages in order.
    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// Hash of the models and dictionaries in use (recorded in output).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Runs every stage over one article. Never panics on text.
    pub fn analyze(&self, article: Article) -> Doc {
        let mut doc = Doc::new(article);
        for s in &self.stages {
            s.run(&mut doc);
        }
        doc
    }
}
