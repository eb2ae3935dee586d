//! Actor and agent dictionaries and actor-mention recognition. STUB.
use model::{Doc, Layer, Stage};

/// A loaded actor + agent dictionary.
pub struct ActorDict {}

impl ActorDict {
    /// The built-in dictionaries under `dictionaries/`, compiled into the binary.
    pub fn builtin() -> Result<ActorDict, String> {
        Ok(ActorDict {})
    }
}

impl Stage for ActorDict {
    fn name(&self) -> &'static str {
        "actors"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Tokens]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Actors]
    }
    fn run(&self, _doc: &mut Doc) {}
}

impl ActorDict {
    /// Reads PETRARCH-format actor files and an agent file. Malformed lines are returned as
    /// warnings (`file:line: message`); the rest loads.
    pub fn from_petrarch_files(
        actor_files: &[std::path::PathBuf],
        agent_file: Option<&std::path::Path>,
    ) -> Result<(ActorDict, Vec<String>), String> {
        let _ = (actor_files, agent_file);
        Ok((ActorDict {}, Vec::new()))
    }
}
