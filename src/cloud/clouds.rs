//! The port bundles of a session: one per identity (profile, role, region, endpoint), shared by
//! the environments that name the same one, and which environment uses which.

use super::Cloud;

/// One environment's place among the identities, and the resources that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRoute {
    /// The environment's name.
    pub name: String,
    /// Its pipeline.
    pub pipeline: String,
    /// Its distribution.
    pub distribution_id: String,
    /// The index of its identity in [`Clouds::identities`].
    pub identity: usize,
}

/// Every identity's ports, and each environment's identity.
#[derive(Clone)]
pub struct Clouds {
    identities: Vec<Cloud>,
    routes: Vec<EnvRoute>,
}

impl Clouds {
    /// One set of ports for every environment.
    pub fn single(cloud: Cloud) -> Clouds {
        Clouds {
            identities: vec![cloud],
            routes: Vec::new(),
        }
    }

    /// `identities` (never empty: the first is the default) and each environment's route, in
    /// configuration order. A route naming an identity out of range uses the default.
    pub fn new(identities: Vec<Cloud>, routes: Vec<EnvRoute>) -> Option<Clouds> {
        if identities.is_empty() {
            return None;
        }
        Some(Clouds { identities, routes })
    }

    /// The ports of calls that belong to no environment.
    pub fn default_cloud(&self) -> &Cloud {
        &self.identities[0]
    }

    /// The ports of environment `env` (by index, in configuration order).
    pub fn of(&self, env: usize) -> &Cloud {
        let i = self.routes.get(env).map_or(0, |r| r.identity);
        self.identities.get(i).unwrap_or(self.default_cloud())
    }

    /// The ports of the environment called `name` (the default for a name not configured).
    pub fn named(&self, name: &str) -> &Cloud {
        match self.routes.iter().position(|r| r.name == name) {
            Some(env) => self.of(env),
            None => self.default_cloud(),
        }
    }

    /// The ports of the environment whose pipeline is `pipeline`.
    pub fn by_pipeline(&self, pipeline: &str) -> &Cloud {
        match self.routes.iter().position(|r| r.pipeline == pipeline) {
            Some(env) => self.of(env),
            None => self.default_cloud(),
        }
    }

    /// The ports of the environment whose distribution is `id`.
    pub fn by_distribution(&self, id: &str) -> &Cloud {
        match self.routes.iter().position(|r| r.distribution_id == id) {
            Some(env) => self.of(env),
            None => self.default_cloud(),
        }
    }

    /// The environment whose pipeline is `pipeline`, if one is configured.
    pub fn env_of_pipeline(&self, pipeline: &str) -> Option<usize> {
        self.routes.iter().position(|r| r.pipeline == pipeline)
    }

    /// `items`, each tagged with the environment it is about (`None`: none, the default's),
    /// sorted by identity: each identity's ports with its items, identities in the order first
    /// met, items in their order. The reads of several environments go out this way, each part
    /// through its own environment's identity.
    pub fn split<T>(
        &self,
        items: impl IntoIterator<Item = (Option<usize>, T)>,
    ) -> Vec<(&Cloud, Vec<T>)> {
        let mut parts: Vec<(usize, &Cloud, Vec<T>)> = Vec::new();
        for (env, item) in items {
            let identity = env
                .and_then(|e| self.routes.get(e))
                .map_or(0, |r| r.identity);
            match parts.iter_mut().find(|p| p.0 == identity) {
                Some(part) => part.2.push(item),
                None => {
                    let cloud = env.map_or(self.default_cloud(), |e| self.of(e));
                    parts.push((identity, cloud, vec![item]));
                }
            }
        }
        parts.into_iter().map(|(_, c, items)| (c, items)).collect()
    }

    /// Each environment's identity index, in configuration order (empty: one for all).
    pub fn groups(&self) -> Vec<usize> {
        self.routes.iter().map(|r| r.identity).collect()
    }

    /// How many identities there are.
    pub fn len(&self) -> usize {
        self.identities.len()
    }

    /// Never: there is always a default.
    pub fn is_empty(&self) -> bool {
        self.identities.is_empty()
    }
}
