//! The deployer image: the images of its ECR repository, the image each environment's CodeBuild
//! Deploy project runs, and whether that is the newest (current, stale, or unknown and why).

use super::{ActionCategory, ActionDef, PipelineDef, Timestamp};
use serde::Serialize;

/// The pipeline's CodeBuild Deploy action: the CodeBuild action of the stage named Deploy, else a
/// CodeBuild build action named Deploy. Its `ProjectName` runs the deployer image.
pub fn deploy_action(def: &PipelineDef) -> Option<(&str, &ActionDef)> {
    let codebuild = |a: &&ActionDef| a.provider == "CodeBuild";
    let in_stage = def
        .stages
        .iter()
        .filter(|s| s.name.eq_ignore_ascii_case("deploy"))
        .find_map(|s| {
            s.actions
                .iter()
                .find(codebuild)
                .map(|a| (s.name.as_str(), a))
        });
    in_stage.or_else(|| {
        def.stages.iter().find_map(|s| {
            s.actions
                .iter()
                .filter(|a| a.category == ActionCategory::Build)
                .filter(codebuild)
                .find(|a| a.name.eq_ignore_ascii_case("deploy"))
                .map(|a| (s.name.as_str(), a))
        })
    })
}

/// One image of an ECR repository (`DescribeImages`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EcrImage {
    /// Its tags (none for an untagged image).
    pub tags: Vec<String>,
    /// `sha256:…`.
    pub digest: String,
    /// When it was pushed.
    pub pushed_at: Timestamp,
}

impl EcrImage {
    /// How people name it: its first tag, else its short digest.
    pub fn label(&self) -> String {
        self.tags
            .first()
            .cloned()
            .unwrap_or_else(|| short_digest(&self.digest))
    }
}

/// `sha256:0123456789ab…` cut to its first 12 hex digits.
pub fn short_digest(digest: &str) -> String {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    format!("sha256:{}", hex.get(..12).unwrap_or(hex))
}

/// The newest image of a repository by push time (`None`: it has none).
pub fn newest(images: &[EcrImage]) -> Option<&EcrImage> {
    images
        .iter()
        .max_by_key(|i| (i.pushed_at, i.digest.clone()))
}

/// What a container image reference names: a tag or a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImagePin {
    /// `repo:tag` (`latest` when a reference names neither).
    Tag(String),
    /// `repo@sha256:…`.
    Digest(String),
}

/// A container image reference, e.g. a CodeBuild project's `environment.image`:
/// `123456789012.dkr.ecr.eu-west-1.amazonaws.com/deployer:1.44.0` or `…/deployer@sha256:…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The registry host (`123456789012.dkr.ecr.eu-west-1.amazonaws.com`), empty for a Docker Hub
    /// or CodeBuild curated image without one.
    pub registry: String,
    /// The repository path (`deployer`, `team/deployer`).
    pub repository: String,
    /// The tag or digest.
    pub pin: ImagePin,
}

impl ImageRef {
    /// Parses a reference; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<ImageRef, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the image is empty".into());
        }
        let (name, pin) = match text.split_once('@') {
            Some((name, digest)) => {
                if !digest.starts_with("sha256:") || digest.len() <= "sha256:".len() {
                    return Err(format!("`{text}` names a digest that is not sha256:…"));
                }
                // A reference may carry both a tag and a digest: the digest wins.
                let name = strip_tag(name);
                (name, ImagePin::Digest(digest.to_string()))
            }
            None => {
                let last_slash = text.rfind('/').map_or(0, |i| i + 1);
                match text[last_slash..].rsplit_once(':') {
                    Some((_, "")) => {
                        return Err(format!("`{text}` ends with an empty tag"));
                    }
                    Some((_, tag)) => (
                        &text[..text.len() - tag.len() - 1],
                        ImagePin::Tag(tag.to_string()),
                    ),
                    None => (text, ImagePin::Tag("latest".into())),
                }
            }
        };
        let (registry, repository) = match name.split_once('/') {
            Some((host, rest)) if host.contains('.') || host.contains(':') => {
                (host.to_string(), rest.to_string())
            }
            _ => (String::new(), name.to_string()),
        };
        if repository.is_empty() {
            return Err(format!("`{text}` names no repository"));
        }
        Ok(ImageRef {
            registry,
            repository,
            pin,
        })
    }

    /// Whether the registry is an ECR one (`<account>.dkr.ecr.<region>.amazonaws.com`).
    pub fn is_ecr(&self) -> bool {
        self.registry.contains(".dkr.ecr.")
    }

    /// The tag or short digest, as people say it.
    pub fn label(&self) -> String {
        match &self.pin {
            ImagePin::Tag(tag) => tag.clone(),
            ImagePin::Digest(d) => short_digest(d),
        }
    }
}

fn strip_tag(name: &str) -> &str {
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[last_slash..].rfind(':') {
        Some(i) => &name[..last_slash + i],
        None => name,
    }
}

/// Whether an environment's deployer is the newest image of its repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeployerCheck {
    /// It runs the newest image.
    Current {
        /// The project's image, as configured.
        image: String,
        /// The newest image's tag (or short digest).
        newest: String,
    },
    /// A newer image was pushed since.
    Stale {
        /// The project's image, as configured.
        image: String,
        /// The tag (or short digest) it runs.
        runs: String,
        /// The newest image's tag (or short digest).
        newest: String,
        /// When the newest was pushed.
        pushed_at: Timestamp,
    },
    /// Not known, and why.
    Unknown(String),
    /// Nothing to check: the pipeline deploys without a CodeBuild project (and none is pinned).
    NoProject(String),
}

impl DeployerCheck {
    /// Whether the deployer is known to be behind.
    pub fn is_stale(&self) -> bool {
        matches!(self, DeployerCheck::Stale { .. })
    }
}

/// Judges a project's `image` against the images of `repository`.
pub fn check(image: &str, repository: &str, images: &[EcrImage]) -> DeployerCheck {
    let parsed = match ImageRef::parse(image) {
        Ok(r) => r,
        Err(why) => return DeployerCheck::Unknown(format!("the project's image: {why}")),
    };
    if !parsed.is_ecr() {
        return DeployerCheck::Unknown(format!("the project's image `{image}` is not from ECR"));
    }
    if parsed.repository != repository {
        return DeployerCheck::Unknown(format!(
            "the project runs repository {}, not {repository}",
            parsed.repository
        ));
    }
    let Some(newest) = newest(images) else {
        return DeployerCheck::Unknown(format!("ECR repository {repository} has no images"));
    };
    let runs = images.iter().find(|i| match &parsed.pin {
        ImagePin::Tag(tag) => i.tags.iter().any(|t| t == tag),
        ImagePin::Digest(d) => i.digest == *d,
    });
    match runs {
        Some(runs) if runs.digest == newest.digest => DeployerCheck::Current {
            image: image.to_string(),
            newest: newest.label(),
        },
        // An image the repository no longer has is not the newest either.
        _ => DeployerCheck::Stale {
            image: image.to_string(),
            runs: parsed.label(),
            newest: newest.label(),
            pushed_at: newest.pushed_at,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REG: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

    fn img(tag: &str, digest: &str, at: i64) -> EcrImage {
        EcrImage {
            tags: vec![tag.into()],
            digest: format!("sha256:{digest}"),
            pushed_at: Timestamp(at),
        }
    }

    #[test]
    fn references_parse_into_registry_repository_and_pin() {
        let r = ImageRef::parse(&format!("{REG}/deployer:1.44.0")).unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.pin),
            (REG, "deployer", ImagePin::Tag("1.44.0".into()))
        );
        let r = ImageRef::parse(&format!("{REG}/team/deployer@sha256:abc")).unwrap();
        assert_eq!(r.repository, "team/deployer");
        assert_eq!(r.pin, ImagePin::Digest("sha256:abc".into()));
        let r = ImageRef::parse(&format!("{REG}/deployer:1.0@sha256:abc")).unwrap();
        assert_eq!(r.repository, "deployer");
        let r = ImageRef::parse("localhost:5000/deployer").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.pin),
            ("localhost:5000", ImagePin::Tag("latest".into()))
        );
        assert!(
            !ImageRef::parse("aws/codebuild/standard:7.0")
                .unwrap()
                .is_ecr()
        );
        assert!(ImageRef::parse("").is_err());
        assert!(ImageRef::parse(&format!("{REG}/deployer:")).is_err());
        assert!(ImageRef::parse(&format!("{REG}/deployer@md5:x")).is_err());
    }

    #[test]
    fn a_project_on_the_newest_image_is_current_else_stale_with_the_newest_named() {
        let images = [img("1.43.0", "aaa", 1), img("1.44.0", "bbb", 2)];
        assert!(matches!(
            check(&format!("{REG}/deployer:1.44.0"), "deployer", &images),
            DeployerCheck::Current { .. }
        ));
        assert!(matches!(
            check(&format!("{REG}/deployer@sha256:bbb"), "deployer", &images),
            DeployerCheck::Current { .. }
        ));
        assert_eq!(
            check(&format!("{REG}/deployer:1.43.0"), "deployer", &images),
            DeployerCheck::Stale {
                image: format!("{REG}/deployer:1.43.0"),
                runs: "1.43.0".into(),
                newest: "1.44.0".into(),
                pushed_at: Timestamp(2),
            }
        );
        // A tag the repository no longer has is behind too.
        assert!(check(&format!("{REG}/deployer:1.2.0"), "deployer", &images).is_stale());
    }

    #[test]
    fn what_cannot_be_judged_is_unknown_with_the_reason() {
        let images = [img("1.44.0", "bbb", 2)];
        let why = |c: DeployerCheck| match c {
            DeployerCheck::Unknown(why) => why,
            other => panic!("expected unknown, got {other:?}"),
        };
        assert!(
            why(check("aws/codebuild/standard:7.0", "deployer", &images)).contains("not from ECR")
        );
        assert!(
            why(check(&format!("{REG}/other:1"), "deployer", &images)).contains("repository other")
        );
        assert!(why(check(&format!("{REG}/deployer:1"), "deployer", &[])).contains("no images"));
    }
}
